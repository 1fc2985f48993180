import { Interface, type Result } from "ethers";

import {
  DecentralizedTrader__factory,
  FederatedRound__factory,
  ModelRegistry__factory,
  OptimisticLane__factory,
  SignalHub__factory,
  TimelockController__factory,
} from "@zkagent/contracts/typechain";

/** The contracts a timelock governs for one vault, by address (the optional ones when deployed). */
export interface GovernedContracts {
  trader: string;
  registry: string;
  timelock: string;
  /** The SignalHub (`hardhat deploy --hub`): the timelock lists its markets and sets its verifiers. */
  hub?: string;
  /** The OptimisticLane (`--optimistic`): no owner, named so a call to it reads as one. */
  lane?: string;
  /** The FederatedRound (`--federated`): the timelock opens its rounds. */
  federatedRound?: string;
}

/** One call of a timelock operation. */
export interface TimelockCall {
  target: string;
  value: bigint;
  data: string;
}

/** A call as a person reads it before signing, and whether it changes what this agent's proofs may do. */
export interface DescribedCall extends TimelockCall {
  /** "trader", "registry", "timelock", "hub", "lane", "federatedRound" or the bare address. */
  targetName: string;
  /** e.g. "setPolicy((uint96,uint16,uint16,uint32,uint24))"; undefined when no known ABI decodes it. */
  signature?: string;
  /** e.g. `trader.setPolicy(policy: {maxPosition: 1000000000000000000, …})`. */
  text: string;
  /** True when it changes what a proof of this agent means or whether it lands (see affectsTrades). */
  affectsTrades: boolean;
}

const TRADER = new Interface(DecentralizedTrader__factory.abi);
const REGISTRY = new Interface(ModelRegistry__factory.abi);
const TIMELOCK = new Interface(TimelockController__factory.abi);
const HUB = new Interface(SignalHub__factory.abi);
const LANE = new Interface(OptimisticLane__factory.abi);
const FEDERATED_ROUND = new Interface(FederatedRound__factory.abi);
const TOKEN = new Interface([
  "function approve(address spender, uint256 amount)",
  "function transfer(address to, uint256 amount)",
  "function transferFrom(address from, address to, uint256 amount)",
]);

/**
 * Trader functions that cannot change what a pending proof means or whether it executes: funding,
 * naming the guardian, handing ownership over, resuming. Everything else the owner can call (the
 * policy, the risk limits, authorisations, withdrawals, the optimistic lane, a scheduled pause, and
 * any function this list does not know) is taken to affect trades: when unsure, the agent waits.
 */
const TRADER_NEUTRAL = new Set(["deposit", "setGuardian", "transferOwnership", "acceptOwnership", "unpause"]);

function formatValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (value && typeof value === "object" && "toObject" in value) {
    const result = value as Result;
    let named: Record<string, unknown> | undefined;
    try {
      named = result.toObject();
    } catch {
      named = undefined;
    }
    if (named && Object.keys(named).length === result.length && !Object.keys(named).some((k) => /^_/.test(k)))
      return `{${Object.entries(named)
        .map(([k, v]) => `${k}: ${formatValue(v)}`)
        .join(", ")}}`;
    return `[${[...result].map(formatValue).join(", ")}]`;
  }
  return String(value);
}

/**
 * Decodes one call for a person to read (and for the agent to judge): the target by name, the
 * function and its named arguments. `agent` and `modelHash` narrow what affects trades: another
 * agent's authorisation, or revoking another model, does not change this agent's proofs.
 */
export function describeCall(
  call: TimelockCall,
  contracts: GovernedContracts,
  mine: { agent?: string; modelHash?: bigint } = {},
): DescribedCall {
  const same = (a: string, b: string | undefined) => b !== undefined && a.toLowerCase() === b.toLowerCase();
  const known: [string, string | undefined, Interface][] = [
    ["trader", contracts.trader, TRADER],
    ["registry", contracts.registry, REGISTRY],
    ["timelock", contracts.timelock, TIMELOCK],
    ["hub", contracts.hub, HUB],
    ["lane", contracts.lane, LANE],
    ["federatedRound", contracts.federatedRound, FEDERATED_ROUND],
  ];
  const [targetName, , abi] = known.find(([, address]) => same(call.target, address)) ?? [call.target, "", TOKEN];
  const parsed = abi.parseTransaction({ data: call.data, value: call.value });
  const value = call.value > 0n ? ` {value: ${call.value} wei}` : "";
  if (!parsed) {
    return {
      ...call,
      targetName,
      text: `${targetName}: unknown call ${call.data.slice(0, 10)} (${(call.data.length - 10) / 2} bytes of arguments)${value}`,
      // An unknown call to the trader or the registry may change anything: wait for it.
      affectsTrades: targetName === "trader" || targetName === "registry",
    };
  }
  const args = parsed.fragment.inputs.map((input, i) => `${input.name || `arg${i}`}: ${formatValue(parsed.args[i])}`);
  const name = parsed.name;
  let affectsTrades = false;
  if (targetName === "trader") {
    affectsTrades = !TRADER_NEUTRAL.has(name);
    if (name === "setAgentAuthorization" && mine.agent) affectsTrades = same(String(parsed.args[0]), mine.agent);
  } else if (targetName === "registry") {
    affectsTrades = name === "revoke" && (mine.modelHash === undefined || BigInt(parsed.args[0]) === mine.modelHash);
  }
  return {
    ...call,
    targetName,
    signature: parsed.signature,
    text: `${targetName === call.target ? call.target : targetName}.${name}(${args.join(", ")})${value}`,
    affectsTrades,
  };
}
