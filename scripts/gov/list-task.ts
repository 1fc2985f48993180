/**
 * `hardhat gov list --network <net> [--all] [--json]`: the timelock's operations (pending ones by
 * default), each with its calls decoded, its state and when it becomes executable.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { GovError, chainNow, listOperations, readDeployment, renderOperation } from "./governance.ts";

export default async function listAction(
  args: { record: string; all: boolean; json: boolean },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  try {
    const deployment = readDeployment(hre, args.record);
    const connection = await hre.network.create();
    const provider = connection.ethers.provider;
    const now = await chainNow(provider);
    const ops = (await listOperations(provider, deployment)).filter(
      ({ op }) => args.all || op.state === "waiting" || op.state === "ready",
    );
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify(
          ops.map(({ op, calls }) => ({ ...op, calls })),
          (_, v) => (typeof v === "bigint" ? v.toString() : v),
          2,
        )}\n`,
      );
      return;
    }
    console.log(
      `timelock ${deployment.timelock}: ${ops.length} ${args.all ? "" : "pending "}operation${ops.length === 1 ? "" : "s"} (chain time ${new Date(Number(now) * 1000).toISOString()})`,
    );
    for (const { op, calls } of ops) console.log(`\n${renderOperation(op, calls, now)}`);
  } catch (error) {
    if (!(error instanceof GovError)) throw error;
    console.error(`GovError: ${error.message}`);
    process.exitCode = 1;
  }
}
