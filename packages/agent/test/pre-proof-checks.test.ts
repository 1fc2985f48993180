import { expect } from "chai";
import type { Provider } from "ethers";

import { Action } from "@zkagent/circuits";

import type { AggregatorV3Interface } from "../src/market/feed-abi.ts";
import type { Window } from "../src/market/read-window.ts";
import { oracleAgeMargin, staleWindowOf } from "../src/market/stale-window.ts";
import { fitToPool } from "../src/quote/fit-to-pool.ts";
import { maxQuoteIn, minQuoteOut } from "../src/quote/slippage-bound.ts";
import type { SwapQuoter } from "../src/quote/swap-quoter.ts";

const WETH = 10n ** 18n;
/** 10^(18 + 8 − 6): WETH (18), an 8-decimal feed, USDC (6). */
const SCALE = 10n ** 20n;
const PRICE = 3_000n * 10n ** 8n;

describe("the trader's slippage bound, recomputed by the agent (SlippageMath)", () => {
  it("is the oracle value ± maxSlippageBps, the BUY's rounded down and the SELL's up (in the vault's favour)", () => {
    expect(maxQuoteIn(2n * WETH, PRICE, SCALE, 100n)).to.equal(6_060n * 10n ** 6n);
    expect(minQuoteOut(2n * WETH, PRICE, SCALE, 100n)).to.equal(5_940n * 10n ** 6n);
    // 1 wei at $3 000 is 3·10^-15 USDC: the BUY's bound rounds to 0 (ZeroSlippageBound), the SELL's up to 1 unit
    expect(maxQuoteIn(1n, PRICE, SCALE, 100n)).to.equal(0n);
    expect(minQuoteOut(1n, PRICE, SCALE, 100n)).to.equal(1n);
    expect(maxQuoteIn(3n, 7n, 1n, 1n)).to.equal(21n); // 21.0021 down
    expect(minQuoteOut(3n, 7n, 1n, 1n)).to.equal(21n); // 20.9979 up
  });
});

/** A quoter over a pool whose average price worsens by `impactBpsPerWeth` per WETH, over a 30 bps fee. */
function fakeQuoter(impactBpsPerWeth: bigint, calls: bigint[] = []): SwapQuoter {
  return {
    bound: (action: 1 | 2, size: bigint, price: bigint, bps: bigint) =>
      action === Action.BUY ? maxQuoteIn(size, price, SCALE, bps) : minQuoteOut(size, price, SCALE, bps),
    quote: async (action: 1 | 2, size: bigint) => {
      calls.push(size);
      const value = (size * PRICE) / SCALE;
      const costBps = 30n + (impactBpsPerWeth * size) / WETH;
      return action === Action.BUY ? (value * (10_000n + costBps)) / 10_000n : (value * (10_000n - costBps)) / 10_000n;
    },
  } as unknown as SwapQuoter;
}

describe("fitting a trade to the pool before proving it", () => {
  const request = { price: PRICE, maxSlippageBps: 100n, poolFee: 3000n };

  it("keeps a trade whose quote fits, with one quote", async () => {
    const check = await fitToPool(fakeQuoter(10n), {
      ...request,
      action: Action.BUY,
      size: 2n * WETH,
      resizable: true,
    });
    expect(check).to.include({ outcome: "fits", quotes: 1 });
  });

  it("sizes a BUY down to the largest size whose quote fits (70 bps of impact left under the bound: 2 WETH at 35 bps per WETH)", async () => {
    const check = await fitToPool(fakeQuoter(35n), {
      ...request,
      action: Action.BUY,
      size: 5n * WETH,
      resizable: true,
    });
    expect(check.outcome).to.equal("resized");
    // the fake's impact is whole bps, so sizes up to 2.0285 WETH cost 100 bps: the search lands within 0.03 % of 5 WETH of the edge
    expect(
      check.resizedTo! >= 2n * WETH - (5n * WETH * 3n) / 10_000n && check.resizedTo! < (20_286n * WETH) / 10_000n,
    ).to.equal(true);
    expect(check.resizedQuote! <= check.resizedBound!).to.equal(true);
    expect(check.quotes).to.be.at.most(14);
    expect(check.reason).to.match(/^a BUY of 5000000000000000000 would pay .*SwapInputAboveBound\): sized down to /);
  });

  it("sizes a SELL down the same way (the least it must get)", async () => {
    const check = await fitToPool(fakeQuoter(35n), {
      ...request,
      action: Action.SELL,
      size: 5n * WETH,
      resizable: true,
    });
    expect(check.outcome).to.equal("resized");
    expect(check.resizedQuote! >= check.resizedBound!).to.equal(true);
    expect(check.reason).to.match(/SwapOutputBelowBound/);
  });

  it("skips when not even a tenth fits, and when the size cannot change (the proven model's)", async () => {
    const calls: bigint[] = [];
    const thin = await fitToPool(fakeQuoter(800n, calls), {
      ...request,
      action: Action.BUY,
      size: 5n * WETH,
      resizable: true,
    });
    expect(thin).to.include({ outcome: "skipped", quotes: 2 });
    expect(calls).to.deep.equal([5n * WETH, WETH / 2n]);
    const proven = await fitToPool(fakeQuoter(35n), {
      ...request,
      action: Action.BUY,
      size: 5n * WETH,
      resizable: false,
    });
    expect(proven).to.include({ outcome: "skipped", quotes: 1 });
    expect(proven.reason).to.match(/computed in its circuit/);
  });

  it("skips a trade the pool cannot fill at all (the quoter reverts)", async () => {
    const empty = { bound: () => 1n, quote: async () => undefined } as unknown as SwapQuoter;
    const check = await fitToPool(empty, { ...request, action: Action.BUY, size: WETH, resizable: true });
    expect(check.outcome).to.equal("skipped");
    expect(check.reason).to.match(/^the pool cannot fill a BUY of 1000000000000000000, and so does a tenth/);
  });
});

describe("a window too old to prove over", () => {
  const window: Window = { prices: [PRICE], rounds: [{ roundId: 7n, answer: PRICE, updatedAt: 1_000n }], roundId: 7n };
  const feed = (latestRoundId: bigint, updatedAt: bigint): AggregatorV3Interface => ({
    latestRoundData: async () => [latestRoundId, PRICE, updatedAt, updatedAt, latestRoundId] as const,
    getRoundData: async () => [0n, 0n, 0n, 0n, 0n] as const,
  });
  const at = (timestamp: number) => ({ getBlock: async () => ({ timestamp }) }) as unknown as Provider;

  it("leaves 60 s for the proof and the transaction to land, at most half of maxOracleAge", () => {
    expect(oracleAgeMargin(3_600n)).to.equal(60n);
    expect(oracleAgeMargin(90n)).to.equal(45n);
  });

  it("is fresh up to maxOracleAge less the margin, stale one second later", async () => {
    expect(await staleWindowOf(feed(7n, 1_000n), at(1_000 + 3_540), window, 3_600n)).to.equal(undefined);
    const stale = await staleWindowOf(feed(7n, 1_000n), at(1_000 + 3_541), window, 3_600n);
    expect(stale).to.include({ roundId: 7n, ageSeconds: 3_541n, maxOracleAge: 3_600n, marginSeconds: 60n });
    expect(stale!.reason).to.match(/StaleOracle/);
    // as the window is read: its own last round, no second feed read
    expect(await staleWindowOf(undefined, at(1_000 + 3_541), window, 3_600n)).to.include({ ageSeconds: 3_541n });
    expect(await staleWindowOf(undefined, at(1_000 + 3_540), window, 3_600n)).to.equal(undefined);
  });

  it("is stale as soon as a newer round has landed, however young", async () => {
    const stale = await staleWindowOf(feed(8n, 1_010n), at(1_020), window, 3_600n);
    expect(stale).to.include({ latestRoundId: 8n, ageSeconds: 20n });
    expect(stale!.reason).to.match(/RoundSuperseded/);
  });
});
