/**
 * Shared by the `hardhat gov …` tasks: the deployment record's governed contracts, calls built
 * from what a person types (a name, a function, JSON arguments), the decoded display shown before
 * anything is signed, and the confirmation step.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";

import {
  describeCall,
  readTimelockOperations,
  type DescribedCall,
  type GovernedContracts,
  type TimelockCall,
  type TimelockOperation,
} from "@zkagent/agent";
import {
  DecentralizedTrader__factory,
  FederatedRound__factory,
  ModelRegistry__factory,
  OptimisticLane__factory,
  SignalHub__factory,
  TimelockController__factory,
} from "@zkagent/contracts/typechain";
import { FunctionFragment, Interface, getAddress, isAddress, isHexString, type Provider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

export class GovError extends Error {
  override readonly name = "GovError";
}

/** What the gov tasks read from deployments/<network>/zkagent.json. */
export interface GovernedDeployment extends GovernedContracts {
  recordPath: string;
  fromBlock: number;
}

export function readDeployment(hre: HardhatRuntimeEnvironment, recordFlag: string): GovernedDeployment {
  const network = hre.globalOptions.network ?? "default";
  const recordPath = resolve(recordFlag || join(hre.config.paths.root, "deployments", network, "zkagent.json"));
  if (!existsSync(recordPath)) {
    throw new GovError(
      `no deployment record at ${recordPath}: deploy with \`hardhat deploy --network ${network}\`, or pass --record`,
    );
  }
  const record = JSON.parse(readFileSync(recordPath, "utf8")) as {
    deployedAtBlock?: number | null;
    governance?: { timelock?: string };
    contracts: Record<string, { address: string } | undefined>;
  };
  const timelock = record.governance?.timelock ?? record.contracts.TimelockController?.address;
  if (!timelock) throw new GovError(`${recordPath} names no timelock: it was deployed before time-locked governance`);
  return {
    recordPath,
    fromBlock: record.deployedAtBlock ?? 0,
    timelock,
    trader: record.contracts.DecentralizedTrader!.address,
    registry: record.contracts.ModelRegistry!.address,
    // Deployed only with --hub, --optimistic, --federated: named (and decoded) when the record lists them.
    hub: record.contracts.SignalHub?.address,
    lane: record.contracts.OptimisticLane?.address,
    federatedRound: record.contracts.FederatedRound?.address,
  };
}

const INTERFACES: Record<string, Interface> = {
  trader: new Interface(DecentralizedTrader__factory.abi),
  registry: new Interface(ModelRegistry__factory.abi),
  timelock: new Interface(TimelockController__factory.abi),
  hub: new Interface(SignalHub__factory.abi),
  lane: new Interface(OptimisticLane__factory.abi),
  federatedRound: new Interface(FederatedRound__factory.abi),
};

/** One call as typed: `target` a name (trader, registry, timelock; hub, lane, federatedRound when deployed) or an address. */
export interface CallSpec {
  target: string;
  /** A function name of the target's ABI, or a full signature for another contract ("approve(address,uint256)"). */
  function?: string;
  args?: unknown[];
  /** Raw calldata instead of function + args. */
  calldata?: string;
  value?: string;
}

export function buildCall(spec: CallSpec, deployment: GovernedDeployment): TimelockCall {
  const named: Record<string, string | undefined> = {
    trader: deployment.trader,
    registry: deployment.registry,
    timelock: deployment.timelock,
    hub: deployment.hub,
    lane: deployment.lane,
    federatedRound: deployment.federatedRound,
  };
  const deployedNames = Object.keys(named).filter((name) => named[name] !== undefined);
  const target = Object.hasOwn(named, spec.target)
    ? named[spec.target]
    : isAddress(spec.target)
      ? getAddress(spec.target)
      : undefined;
  if (!target) {
    const why = Object.hasOwn(named, spec.target)
      ? `this deployment has no ${spec.target} (deploy it with --${spec.target === "lane" ? "optimistic" : spec.target === "federatedRound" ? "federated" : "hub"})`
      : "not a name or an address";
    throw new GovError(`target ${JSON.stringify(spec.target)}: ${why}; use ${deployedNames.join(", ")} or an address`);
  }
  const value = BigInt(spec.value ?? 0);
  if (spec.calldata !== undefined) {
    if (!isHexString(spec.calldata) || spec.calldata.length < 10)
      throw new GovError(`calldata must be 0x-prefixed hex with a selector`);
    return { target, value, data: spec.calldata };
  }
  if (!spec.function) throw new GovError("name a function (or give calldata)");
  const abi =
    INTERFACES[spec.target] ?? (spec.function.includes("(") ? new Interface([`function ${spec.function}`]) : undefined);
  if (!abi)
    throw new GovError(`${spec.target} is not one of ours: give the full signature, e.g. "approve(address,uint256)"`);
  const fragment = abi.getFunction(spec.function);
  if (!fragment) {
    throw new GovError(
      `${spec.target} has no function ${spec.function}; it has: ${abi.fragments
        .filter((f): f is FunctionFragment => f.type === "function")
        .map((f) => f.name)
        .join(", ")}`,
    );
  }
  try {
    return { target, value, data: abi.encodeFunctionData(fragment, spec.args ?? []) };
  } catch (error) {
    throw new GovError(`${spec.target}.${fragment.format()}: ${(error as Error).message.split(" (")[0]}`);
  }
}

/** Parses --args (a JSON array; integers may be strings for uint256). */
export function parseArgs(text: string): unknown[] {
  try {
    const parsed = JSON.parse(text || "[]") as unknown;
    if (!Array.isArray(parsed)) throw new Error("not an array");
    return parsed;
  } catch (error) {
    throw new GovError(`--args must be a JSON array, e.g. '["0xabc…", true]' (${(error as Error).message})`);
  }
}

const when = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();
function inWords(seconds: bigint): string {
  const s = Number(seconds < 0n ? -seconds : seconds);
  const parts = [
    [Math.floor(s / 86_400), "d"],
    [Math.floor((s % 86_400) / 3_600), "h"],
    [Math.floor((s % 3_600) / 60), "m"],
    [s % 60, "s"],
  ].filter(([n]) => n !== 0);
  const text = parts.length === 0 ? "0s" : parts.map(([n, u]) => `${n}${u}`).join(" ");
  return seconds < 0n ? `${text} ago` : `in ${text}`;
}

/** The decoded calls, one per line, each marked when it changes what agents' proofs may do. */
export function renderCalls(calls: DescribedCall[]): string {
  return calls
    .map(
      (c, i) => `    ${i + 1}. ${c.text}${c.affectsTrades ? "   [changes what agents may do: they wait for it]" : ""}`,
    )
    .join("\n");
}

export function renderOperation(op: TimelockOperation, calls: DescribedCall[], now: bigint): string {
  const state =
    op.state === "waiting" || op.state === "ready"
      ? `${op.state}, executable from ${when(op.readyAt)} (${inWords(op.readyAt - now)})`
      : op.state;
  return `operation ${op.id}\n  state     ${state}\n  scheduled block ${op.scheduledBlock} (tx ${op.scheduledTx}), delay ${op.delay} s\n  calls\n${renderCalls(calls)}`;
}

/** The operations on the deployment's timelock, each with its calls decoded. */
export async function listOperations(provider: Provider, deployment: GovernedDeployment) {
  const ops = await readTimelockOperations(provider, deployment.timelock, { fromBlock: deployment.fromBlock });
  return ops.map((op) => ({ op, calls: op.calls.map((c) => describeCall(c, deployment)) }));
}

/** Asks before signing: --yes signs; a terminal is asked; anything else signs nothing. */
export async function confirmed(yes: boolean, what: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    console.log(`\nnot signed: pass --yes to ${what}, or give the calldata above to your multisig`);
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`\n${what}? [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function chainNow(provider: Provider): Promise<bigint> {
  return BigInt((await provider.getBlock("latest"))!.timestamp);
}

export { when, inWords };
