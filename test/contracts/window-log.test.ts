import { expect } from "chai";
import { network } from "hardhat";

import { pricesCommitment, seededRandom } from "@zkagent/circuits";
import { deployRealShapedFeed, deployWindowLog, transmitPrices } from "@zkagent/contracts/world";
import type { WindowLog } from "@zkagent/contracts/typechain";
import type { ContractTransactionResponse } from "ethers";

import { readWindow } from "../helpers/market.ts";

const { ethers, networkHelpers } = await network.create();
const PRICE = 3_000n * 10n ** 8n;

/** A real-shaped feed (Chainlink's proxy over an OCR2-shaped aggregator) and its window log. */
async function fixture() {
  const [deployer] = await ethers.getSigners();
  const feed = await deployRealShapedFeed(deployer!);
  const windowLog = await deployWindowLog(deployer!, await feed.proxy.getAddress());
  return { feed, windowLog };
}

async function roundsReadBy(windowLog: WindowLog, tx: ContractTransactionResponse): Promise<bigint | undefined> {
  const receipt = await tx.wait();
  for (const log of receipt!.logs) {
    const parsed = windowLog.interface.parseLog(log);
    if (parsed?.name === "WindowRecorded") return parsed.args.roundsRead as bigint;
  }
  return undefined;
}

describe("WindowLog: the feed's windows, recorded from the feed", function () {
  this.timeout(120_000);

  it("commits to the 30 rounds ending at the latest exactly as the circuit does (Poseidon from poseidon-solidity's bytecode)", async () => {
    const { feed, windowLog } = await networkHelpers.loadFixture(fixture);
    const random = seededRandom(12);
    for (let trial = 0; trial < 3; trial++) {
      await transmitPrices(
        feed,
        Array.from({ length: 30 }, () => PRICE / 2n + BigInt(Math.floor(random() * 1e12))),
      );
      await windowLog.record();
      const { prices, roundId } = await readWindow(feed.proxy);
      expect(await windowLog.commitmentOf(roundId)).to.equal(pricesCommitment(prices));
    }
    // the extremes of the proven range: 1 and 2^64 − 1
    await transmitPrices(feed, [...Array(15).fill(1n), ...Array(15).fill(2n ** 64n - 1n)]);
    await windowLog.record();
    const { prices, roundId } = await readWindow(feed.proxy);
    expect(await windowLog.commitmentOf(roundId)).to.equal(pricesCommitment(prices));
  });

  it("reads one round when the previous one was recorded, all 30 after a quiet period, and nothing when recorded twice", async () => {
    const { feed, windowLog } = await networkHelpers.loadFixture(fixture);
    await transmitPrices(feed, Array(30).fill(PRICE));
    expect(await roundsReadBy(windowLog, await windowLog.record())).to.equal(30n);
    await transmitPrices(feed, [PRICE + 1n]);
    expect(await roundsReadBy(windowLog, await windowLog.record())).to.equal(1n);
    await transmitPrices(feed, Array(5).fill(PRICE + 2n));
    expect(await roundsReadBy(windowLog, await windowLog.record())).to.equal(5n);
    await transmitPrices(feed, Array(40).fill(PRICE + 3n));
    expect(await roundsReadBy(windowLog, await windowLog.record())).to.equal(30n);
    expect(await roundsReadBy(windowLog, await windowLog.record())).to.equal(undefined);
    const { prices, roundId } = await readWindow(feed.proxy);
    expect(await windowLog.commitmentOf(roundId)).to.equal(pricesCommitment(prices));
  });

  it("refuses a window that would cross a phase boundary until the new phase has 30 rounds", async () => {
    const { feed, windowLog } = await fixture(); // not the cached fixture: nextPhase changes `feed`
    await transmitPrices(feed, Array(30).fill(PRICE));
    await windowLog.record();
    await feed.nextPhase();
    await transmitPrices(feed, Array(29).fill(PRICE + 5n));
    const [latest] = await feed.proxy.latestRoundData();
    expect(latest).to.equal((2n << 64n) | 29n);
    await expect(windowLog.record())
      .to.be.revertedWithCustomError(windowLog, "WindowCrossesPhase")
      .withArgs(latest, 29n, 30n);
    await transmitPrices(feed, [PRICE + 6n]);
    expect(await roundsReadBy(windowLog, await windowLog.record())).to.equal(30n);
    const { prices, roundId } = await readWindow(feed.proxy);
    expect(roundId).to.equal((2n << 64n) | 30n);
    expect(prices.every((p) => p > PRICE)).to.equal(true); // nothing from phase 1
    expect(await windowLog.commitmentOf(roundId)).to.equal(pricesCommitment(prices));
  });

  it("refuses a window holding a round with no data, and an answer outside (0, 2^64)", async () => {
    const { feed, windowLog } = await networkHelpers.loadFixture(fixture);
    await transmitPrices(feed, Array(20).fill(PRICE));
    await feed.aggregator.skipRound();
    await transmitPrices(feed, Array(10).fill(PRICE));
    await expect(windowLog.record())
      .to.be.revertedWithCustomError(windowLog, "RoundIncomplete")
      .withArgs((1n << 64n) | 21n);
    await transmitPrices(feed, Array(30).fill(PRICE));
    await windowLog.record(); // the gap has left the window
    await transmitPrices(feed, [2n ** 64n]);
    await expect(windowLog.record())
      .to.be.revertedWithCustomError(windowLog, "RoundAnswerOutOfRange")
      .withArgs((1n << 64n) | 62n, 2n ** 64n);
  });
});
