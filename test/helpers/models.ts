import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { MODEL_FEATURES, MODEL_HIDDEN, modelCommitment, type QuantizedModel } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { PRICE_3000, deployTraderWorld, type TraderWorld } from "./trader-fixture.ts";

/**
 * A hand-made model: hidden unit 0 reads the deviation from the MA inverted (−16 × feature 0),
 * the direction output follows it (BUY when the price is under the average), and the size output
 * is a constant 50 % of the room. Every other weight is zero.
 */
export function meanReversionModel(): QuantizedModel {
  const w1 = Array.from({ length: MODEL_HIDDEN }, () => Array<bigint>(MODEL_FEATURES).fill(0n));
  w1[0]![0] = -16n;
  const w2 = [Array<bigint>(MODEL_HIDDEN).fill(0n), Array<bigint>(MODEL_HIDDEN).fill(0n)];
  w2[0]![0] = 16n;
  return { w1, b1: Array<bigint>(MODEL_HIDDEN).fill(0n), w2, b2: [0n, 50n] };
}

/**
 * The contract tests' world with the hand-made model registered and approved as a proven model,
 * and the price 2 % under the average (the model buys half the room).
 */
export async function deployProvenWorld(
  ethers: HardhatEthers,
  helpers: NetworkHelpers,
): Promise<{ tw: TraderWorld; model: QuantizedModel }> {
  const tw = await deployTraderWorld(ethers, helpers);
  const model = meanReversionModel();
  await tw.registry.registerProven(modelCommitment(model), "mean reversion (hand-made)", "1", "test://model");
  await tw.registry.approve(modelCommitment(model));
  const below = (PRICE_3000 * 98n) / 100n;
  await pushPrice(tw.world.priceFeed, below);
  await movePoolToPrice(tw.world, tw.stranger, below);
  return { tw, model };
}
