/**
 * What `hardhat deploy --optimistic` reads back and records about the OptimisticLane it deployed:
 * its bond token is the trader's quote token, its parameters are the network's settings, and the
 * trader either has it on or has no lane yet (turning it on is the timelock's `setOptimisticLane`,
 * a governed call: the deploy prints it and the record names it).
 */
import type { OptimisticLaneSettings } from "@zkagent/contracts/deploy";
import { DecentralizedTrader__factory, OptimisticLane__factory } from "@zkagent/contracts/typechain";
import { ZeroAddress, type Provider } from "ethers";

/** The lane as read back from the chain, and what differs from what was asked for. */
export interface LaneReadBack {
  /** Whether the trader's `optimisticLane()` is this lane (after the governed call), or none yet. */
  on: boolean;
  problems: string[];
}

/** The governed commands that turn the lane on: schedule `setOptimisticLane(lane)`, then execute after the delay. */
export function laneTurnOnCommands(network: string, lane: string): { schedule: string; execute: string } {
  return {
    schedule: `npx pnpm hardhat gov schedule --network ${network} --target trader --function setOptimisticLane --args '["${lane}"]'`,
    execute: `npx pnpm hardhat gov execute --network ${network} --id <the operation id gov schedule prints>   # after the timelock's delay`,
  };
}

/** Reads the lane and the trader's lane back; each difference from `expected` is one line of `problems`. */
export async function readBackLane(
  provider: Provider,
  expected: { lane: string; trader: string; settings: OptimisticLaneSettings },
): Promise<LaneReadBack> {
  const problems: string[] = [];
  const lane = OptimisticLane__factory.connect(expected.lane, provider);
  const trader = DecentralizedTrader__factory.connect(expected.trader, provider);
  const [bondToken, quoteToken] = await Promise.all([lane.bondToken(), trader.quoteToken()]);
  if (bondToken !== quoteToken)
    problems.push(`OptimisticLane.bondToken() is ${bondToken}, not the trader's quote token ${quoteToken}`);
  for (const [name, value] of Object.entries(expected.settings) as [keyof OptimisticLaneSettings, bigint][]) {
    const actual = await lane[name]();
    if (actual !== value) problems.push(`OptimisticLane.${name}() is ${actual}, not ${value}`);
  }
  const traderLane = await trader.optimisticLane();
  if (traderLane !== ZeroAddress && traderLane !== expected.lane) {
    problems.push(`the trader's optimisticLane() is ${traderLane}, neither this lane ${expected.lane} nor none`);
  }
  return { on: traderLane === expected.lane, problems };
}

/** The record's `optimisticLane` block: the lane, its parameters, and whether it is on (else how to turn it on). */
export function laneRecord(
  network: string,
  lane: string,
  bondToken: string,
  settings: OptimisticLaneSettings,
  on: boolean,
) {
  return {
    address: lane,
    bondToken,
    ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
    // Deployed, but trades take the optimistic path only once the trader's owner (the timelock) sets it.
    on,
    ...(on ? {} : { turnOn: laneTurnOnCommands(network, lane) }),
  };
}
