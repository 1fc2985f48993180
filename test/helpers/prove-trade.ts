import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Action, PolicyProver, proofContext, type PolicyProof, type ProofRequest } from "@zkagent/circuits";

import { readWindow, type FeedReads } from "./market.ts";
import { TEST_MODEL_HASH, TEST_POLICY, type TraderWorld } from "./trader-fixture.ts";

let prover: Promise<PolicyProver> | undefined;

/** One prover per test process: loading it once is the point of the prover API. */
export function sharedProver(): Promise<PolicyProver> {
  prover ??= PolicyProver.load();
  return prover;
}

/** Ends the shared prover's worker threads (call from a root `after`). */
export async function closeSharedProver(): Promise<void> {
  if (prover) await (await prover).close();
  prover = undefined;
}

export interface TradeProof extends PolicyProof {
  request: ProofRequest;
}

/**
 * Proves a trade for `agent` over the feed's (the world's, or `feed`) current 30-round window, bound to the trader's
 * chain, address and the agent's current nonce, unless `overrides` say otherwise.
 * `unchecked` skips the TypeScript pre-check so a test can reach the contract with values the
 * circuit still accepts but the contract must refuse.
 */
export async function proveTrade(
  tw: TraderWorld,
  agent: HardhatEthersSigner,
  trade: { action: Action; size: bigint },
  overrides: Partial<ProofRequest> & {
    chainId?: bigint;
    traderAddress?: string;
    nonce?: bigint;
    feed?: FeedReads;
  } = {},
): Promise<TradeProof> {
  const { chainId: overrideChainId, traderAddress, nonce, feed, ...requestOverrides } = overrides;
  const { prices, roundId } = await readWindow(feed ?? tw.world.priceFeed);
  const chainId = overrideChainId ?? (await agent.provider!.getNetwork()).chainId;
  const context = proofContext({
    chainId,
    trader: traderAddress ?? (await tw.trader.getAddress()),
    agent: agent.address,
    nonce: nonce ?? (await tw.trader.nonceOf(agent.address)),
  });
  const request: ProofRequest = {
    prices,
    roundId,
    maxPosition: TEST_POLICY.maxPosition,
    thresholdBps: TEST_POLICY.thresholdBps,
    position: await tw.trader.positionOf(agent.address),
    modelHash: TEST_MODEL_HASH,
    context,
    ...trade,
    ...requestOverrides,
  };
  const proof = await (await sharedProver()).prove(request);
  return { ...proof, request };
}
