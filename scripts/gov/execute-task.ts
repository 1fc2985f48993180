/**
 * `hardhat gov execute --network <net> --id <operation>` and `hardhat gov cancel … --id …`: finds
 * the operation in the timelock's events, shows its decoded calls and state, refuses one that is
 * not ready (saying when it will be) or already done, and signs only after confirmation.
 */
import { TimelockController__factory } from "@zkagent/contracts/typechain";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  GovError,
  chainNow,
  confirmed,
  inWords,
  listOperations,
  readDeployment,
  renderOperation,
  when,
} from "./governance.ts";

interface OperationArgs {
  id: string;
  record: string;
  yes: boolean;
}

async function operationAction(args: OperationArgs, hre: HardhatRuntimeEnvironment, mode: "execute" | "cancel") {
  const deployment = readDeployment(hre, args.record);
  if (!/^0x[0-9a-fA-F]{64}$/.test(args.id))
    throw new GovError("--id is the operation id (0x + 64 hex digits; `hardhat gov list`)");
  const connection = await hre.network.create();
  const provider = connection.ethers.provider;
  const [signer] = await connection.ethers.getSigners();
  const found = (await listOperations(provider, deployment))
    .filter(({ op }) => op.id.toLowerCase() === args.id.toLowerCase())
    .at(-1);
  if (!found) throw new GovError(`no operation ${args.id} was scheduled on ${deployment.timelock}`);
  const { op, calls } = found;
  const now = await chainNow(provider);
  console.log(renderOperation(op, calls, now));
  if (op.state === "done" || op.state === "cancelled")
    throw new GovError(`operation ${op.id} is ${op.state}: nothing to ${mode}`);
  if (mode === "execute" && op.state === "waiting") {
    throw new GovError(
      `operation ${op.id} is not ready: executable from ${when(op.readyAt)} (${inWords(op.readyAt - now)})`,
    );
  }
  const timelock = TimelockController__factory.connect(deployment.timelock, signer!);
  const targets = op.calls.map((c) => c.target);
  const values = op.calls.map((c) => c.value);
  const payloads = op.calls.map((c) => c.data);
  const data =
    mode === "execute"
      ? timelock.interface.encodeFunctionData("executeBatch", [targets, values, payloads, op.predecessor, op.salt])
      : timelock.interface.encodeFunctionData("cancel", [op.id]);
  console.log(`  timelock calldata (for a multisig): to ${deployment.timelock}\n    ${data}`);
  if (!(await confirmed(args.yes, `sign ${mode} as ${signer!.address}`))) return;
  const tx =
    mode === "execute"
      ? await timelock.executeBatch(targets, values, payloads, op.predecessor, op.salt, {
          value: values.reduce((a, b) => a + b, 0n),
        })
      : await timelock.cancel(op.id);
  const receipt = await tx.wait();
  console.log(
    `${mode === "execute" ? "executed" : "cancelled"} in block ${receipt!.blockNumber} (tx ${receipt!.hash}, gas ${receipt!.gasUsed})`,
  );
}

export async function run(args: OperationArgs, hre: HardhatRuntimeEnvironment, mode: "execute" | "cancel") {
  try {
    await operationAction(args, hre, mode);
  } catch (error) {
    if (!(error instanceof GovError)) throw error;
    console.error(`GovError: ${error.message}`);
    process.exitCode = 1;
  }
}

export default (args: OperationArgs, hre: HardhatRuntimeEnvironment) => run(args, hre, "execute");
