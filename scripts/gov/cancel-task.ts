/** `hardhat gov cancel --network <net> --id <operation>`: see execute-task.ts. */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { run } from "./execute-task.ts";

export default (args: { id: string; record: string; yes: boolean }, hre: HardhatRuntimeEnvironment) =>
  run(args, hre, "cancel");
