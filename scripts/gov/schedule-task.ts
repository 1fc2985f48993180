/**
 * `hardhat gov schedule --network <net> --target trader --function setPolicy --args '[…]'`
 * (or `--batch file.json`, a list of {target, function, args}): shows the decoded calls, the
 * operation id and when it becomes executable, and the timelock calldata (for a multisig); signs
 * `scheduleBatch` with the network's account only after confirmation (--yes, or y at the prompt).
 */
import { readFileSync } from "node:fs";

import { describeCall } from "@zkagent/agent";
import { TimelockController__factory } from "@zkagent/contracts/typechain";
import { ZeroHash, hexlify, isHexString, randomBytes } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  GovError,
  buildCall,
  chainNow,
  confirmed,
  inWords,
  parseArgs,
  readDeployment,
  renderCalls,
  when,
  type CallSpec,
} from "./governance.ts";

interface ScheduleArgs {
  target: string;
  function: string;
  args: string;
  calldata: string;
  value: string;
  batch: string;
  delay: string;
  salt: string;
  predecessor: string;
  record: string;
  yes: boolean;
}

export default async function scheduleAction(args: ScheduleArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    await schedule(args, hre);
  } catch (error) {
    if (!(error instanceof GovError)) throw error;
    console.error(`GovError: ${error.message}`);
    process.exitCode = 1;
  }
}

async function schedule(args: ScheduleArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const deployment = readDeployment(hre, args.record);
  let specs: CallSpec[];
  if (args.batch) {
    specs = JSON.parse(readFileSync(args.batch, "utf8")) as CallSpec[];
    if (!Array.isArray(specs) || specs.length === 0)
      throw new GovError(`${args.batch}: expected a non-empty JSON list of calls`);
  } else {
    if (!args.target)
      throw new GovError(
        "pass --target (trader, registry, timelock; hub, lane, federatedRound when deployed; or an address), or --batch <file>",
      );
    specs = [
      {
        target: args.target,
        ...(args.calldata ? { calldata: args.calldata } : { function: args.function, args: parseArgs(args.args) }),
        value: args.value || "0",
      },
    ];
  }
  const calls = specs.map((spec) => buildCall(spec, deployment));
  const connection = await hre.network.create();
  const provider = connection.ethers.provider;
  const [signer] = await connection.ethers.getSigners();
  const timelock = TimelockController__factory.connect(deployment.timelock, signer!);
  const minDelay = await timelock.getMinDelay();
  const delay = args.delay ? BigInt(args.delay) : minDelay;
  if (delay < minDelay) throw new GovError(`--delay ${delay} is below the timelock's delay (${minDelay} s)`);
  const salt = args.salt || hexlify(randomBytes(32));
  const predecessor = args.predecessor || ZeroHash;
  if (!isHexString(salt, 32) || !isHexString(predecessor, 32))
    throw new GovError("--salt and --predecessor are 32-byte hex");

  const targets = calls.map((c) => c.target);
  const values = calls.map((c) => c.value);
  const payloads = calls.map((c) => c.data);
  const id = await timelock.hashOperationBatch(targets, values, payloads, predecessor, salt);
  const data = timelock.interface.encodeFunctionData("scheduleBatch", [
    targets,
    values,
    payloads,
    predecessor,
    salt,
    delay,
  ]);
  const now = await chainNow(provider);
  console.log(`schedule on timelock ${deployment.timelock} (delay ${minDelay} s)
  operation ${id}
  salt      ${salt}
  calls
${renderCalls(calls.map((c) => describeCall(c, deployment)))}
  executable from about ${when(now + delay)} (${inWords(delay)}), by an executor: \`hardhat gov execute --id ${id}\`
  timelock calldata (for a multisig): to ${deployment.timelock}
    ${data}`);
  if (!(await confirmed(args.yes, `sign scheduleBatch as ${signer!.address}`))) return;
  const receipt = await (await timelock.scheduleBatch(targets, values, payloads, predecessor, salt, delay)).wait();
  const readyAt = await timelock.getTimestamp(id);
  console.log(
    `scheduled in block ${receipt!.blockNumber} (tx ${receipt!.hash}, gas ${receipt!.gasUsed}); executable from ${when(readyAt)}`,
  );
}
