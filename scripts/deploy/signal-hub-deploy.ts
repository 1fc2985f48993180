/**
 * What `hardhat deploy --hub` reads back and records about the SignalHub it deployed. The hub is the
 * timelock's from its constructor on and deployed empty; listing the network's market (the core's
 * feed and WindowLog) and setting the three signal verifiers is one governed operation, written out
 * as a `hardhat gov schedule --batch` file. The read-back accepts the hub empty (that operation not
 * executed yet) or set up exactly so, and nothing in between: a half-configured hub is refused.
 */
import { SIGNAL_MARKET_COUNTS } from "@zkagent/contracts/ignition";
import { SignalHub__factory } from "@zkagent/contracts/typechain";
import { ZeroAddress, type Provider } from "ethers";

/** The hub's deployment as expected: its owner, registry, age bound, the market to list and the verifiers for 1, 2 and 4 markets. */
export interface ExpectedHub {
  hub: string;
  timelock: string;
  registry: string;
  maxOracleAge: bigint;
  feed: string;
  windowLog: string;
  /** SignalVerifier1, 2 and 4, in SIGNAL_MARKET_COUNTS' order. */
  verifiers: readonly [string, string, string];
}

/** One call of a `hardhat gov schedule --batch` file: the target's address and the function's full signature. */
export interface BatchCall {
  target: string;
  function: string;
  args: unknown[];
}

/** The governed operation that sets the hub up: list the market (id 0), then set each verifier. */
export function hubSetupCalls(expected: ExpectedHub): BatchCall[] {
  return [
    { target: expected.hub, function: "addMarket(address,address)", args: [expected.feed, expected.windowLog] },
    ...SIGNAL_MARKET_COUNTS.map((k, i) => ({
      target: expected.hub,
      function: "setVerifier(uint256,address)",
      args: [Number(k), expected.verifiers[i]],
    })),
  ];
}

/** The governed commands that run the setup operation written to `batchFile`. */
export function hubSetupCommands(network: string, batchFile: string): { schedule: string; execute: string } {
  return {
    schedule: `npx pnpm hardhat gov schedule --network ${network} --batch ${batchFile}`,
    execute: `npx pnpm hardhat gov execute --network ${network} --id <the operation id gov schedule prints>   # after the timelock's delay`,
  };
}

/** Reads the hub back; `configured` when the setup operation has been executed, problems for anything not as expected. */
export async function readBackHub(
  provider: Provider,
  expected: ExpectedHub,
): Promise<{ configured: boolean; problems: string[] }> {
  const problems: string[] = [];
  const hub = SignalHub__factory.connect(expected.hub, provider);
  const owner = await hub.owner();
  if (owner !== expected.timelock)
    problems.push(`SignalHub.owner() is ${owner}, not the timelock ${expected.timelock}`);
  const pending = await hub.pendingOwner();
  if (pending !== ZeroAddress) problems.push(`SignalHub has a pending owner ${pending}`);
  const registry = await hub.modelRegistry();
  if (registry !== expected.registry)
    problems.push(`SignalHub.modelRegistry() is ${registry}, not ${expected.registry}`);
  const maxOracleAge = await hub.maxOracleAge();
  if (maxOracleAge !== expected.maxOracleAge)
    problems.push(`SignalHub.maxOracleAge() is ${maxOracleAge}, not ${expected.maxOracleAge}`);

  const marketCount = await hub.marketCount();
  const verifiers = await Promise.all(SIGNAL_MARKET_COUNTS.map((k) => hub.verifierOf(k)));
  const empty = marketCount === 0n && verifiers.every((v) => v === ZeroAddress);
  if (empty) return { configured: false, problems };
  const differences: string[] = [];
  if (marketCount === 0n) differences.push("no market is listed");
  else {
    const [feed, windowLog] = await hub.market(0n);
    if (feed !== expected.feed || windowLog !== expected.windowLog)
      differences.push(`market 0 is (${feed}, ${windowLog}), not (${expected.feed}, ${expected.windowLog})`);
  }
  SIGNAL_MARKET_COUNTS.forEach((k, i) => {
    if (verifiers[i] !== expected.verifiers[i])
      differences.push(`verifierOf(${k}) is ${verifiers[i]}, not ${expected.verifiers[i]}`);
  });
  if (differences.length > 0)
    problems.push(`SignalHub is neither empty nor set up as this deployment sets it up: ${differences.join("; ")}`);
  return { configured: differences.length === 0, problems };
}
