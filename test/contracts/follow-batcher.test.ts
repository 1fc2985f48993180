import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { FollowBatcher__factory, type FollowBatcher } from "@zkagent/contracts/typechain";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { NO_PROOF } from "../helpers/forged-world.ts";
import { deployHubWorld, hubSignals } from "../helpers/hub-world.ts";
import { PRICE_3000, TEST_MODEL_HASH } from "../helpers/trader-fixture.ts";
import { followerState } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;

async function fixture() {
  const hw = await deployHubWorld(ethers, networkHelpers);
  await pushPrice(hw.world.priceFeed, BELOW);
  await movePoolToPrice(hw.world, hw.stranger, BELOW);
  const batcher = await new FollowBatcher__factory(hw.stranger).deploy();
  const { signals, roundId, commitment } = await hubSignals(hw, Action.BUY, 5_000n);
  await hw.hub.connect(hw.agent).publishSignal([0n], NO_PROOF, signals);
  return { hw, batcher, roundId, commitment };
}

const followsOf = async (vaults: { getAddress(): Promise<string> }[], roundId: bigint, commitment: bigint) =>
  Promise.all(
    vaults.map(async (v) => ({
      vault: await v.getAddress(),
      roundId,
      pricesCommitment: commitment,
      modelHash: TEST_MODEL_HASH,
    })),
  );

describe("FollowBatcher: a keeper executes one signal for many vaults in one transaction", function () {
  it("executes each vault's own follow, exactly as calling each vault in turn would", async () => {
    const { hw, batcher, roundId, commitment } = await networkHelpers.loadFixture(fixture);
    const batch = await followsOf(hw.followers, roundId, commitment);
    expect(await batcher.followAll.staticCall(batch)).to.equal(3n);
    const tx = batcher.followAll(batch);
    for (const vault of hw.followers) await expect(tx).to.emit(vault, "SignalFollowed");
    await expect(tx).not.to.emit(batcher, "FollowSkipped");
    const batched = await Promise.all(hw.followers.map((v) => followerState(hw, v, hw.agent.address)));

    // The same signal followed one vault at a time from the same state leaves the same books.
    const alone = await networkHelpers.loadFixture(fixture);
    for (const vault of alone.hw.followers) {
      await vault.connect(alone.hw.stranger).followSignal(alone.roundId, alone.commitment, TEST_MODEL_HASH);
    }
    const oneByOne = await Promise.all(
      alone.hw.followers.map((v) => followerState(alone.hw, v, alone.hw.agent.address)),
    );
    expect(
      batched.map(({ usage, ...rest }) => ({ ...rest, trades: usage.tradesInPeriod, total: usage.totalPosition })),
    ).to.deep.equal(
      oneByOne.map(({ usage, ...rest }) => ({ ...rest, trades: usage.tradesInPeriod, total: usage.totalPosition })),
    );
    for (const state of batched) expect(state.lastFollowedRound).to.equal(roundId);
  });

  it("skips a vault that refuses (paused, already followed, not a vault) with its error's selector, and the others still trade", async () => {
    const { hw, batcher, roundId, commitment } = await networkHelpers.loadFixture(fixture);
    const [first, paused, third] = hw.followers as [
      (typeof hw.followers)[0],
      (typeof hw.followers)[0],
      (typeof hw.followers)[0],
    ];
    await paused.pause();
    await first.connect(hw.stranger).followSignal(roundId, commitment, TEST_MODEL_HASH);
    const pausedBefore = await followerState(hw, paused, hw.agent.address);
    const firstBefore = await followerState(hw, first, hw.agent.address);

    const batch = [...(await followsOf([first, paused, third], roundId, commitment))];
    batch.push({ vault: hw.stranger.address, roundId, pricesCommitment: commitment, modelHash: TEST_MODEL_HASH });
    const selector = (name: string) => first.interface.getError(name)!.selector;
    const tx = batcher.followAll(batch);
    await expect(tx)
      .to.emit(batcher, "FollowSkipped")
      .withArgs(await first.getAddress(), roundId, selector("RoundAlreadyFollowed"));
    await expect(tx)
      .to.emit(batcher, "FollowSkipped")
      .withArgs(await paused.getAddress(), roundId, selector("TradingPaused"));
    // An account without code returns nothing: not counted as a follow.
    await expect(tx).to.emit(batcher, "FollowSkipped").withArgs(hw.stranger.address, roundId, "0x00000000");
    await expect(tx).to.emit(third, "SignalFollowed");
    expect(await followerState(hw, paused, hw.agent.address)).to.deep.equal(pausedBefore);
    expect(await followerState(hw, first, hw.agent.address)).to.deep.equal(firstBefore);
    expect(await third.lastFollowedRound()).to.equal(roundId);
  });

  it("copies 4 bytes of a refusal: a vault that reverts with 256 KB costs the batch only what the bomb burns itself", async () => {
    const { hw, batcher, roundId, commitment } = await networkHelpers.loadFixture(fixture);
    const bombOf = async (bytes: bigint) => (await ethers.getContractFactory("ReturnBombFollower")).deploy(bytes);
    const gasWith = async (bomb: Awaited<ReturnType<typeof bombOf>>) => {
      const tx = batcher.followAll(await followsOf([bomb], roundId, commitment));
      await expect(tx)
        .to.emit(batcher, "FollowSkipped")
        .withArgs(await bomb.getAddress(), roundId, "0xdeadbeef");
      return (await (await tx).wait())!.gasUsed;
    };
    const big = 256n * 1024n;
    const extra = (await gasWith(await bombOf(big))) - (await gasWith(await bombOf(4n)));
    // The bomb pays for its own 256 KB of memory (3 gas a word plus words² / 512); a batcher that
    // copied the reason would pay for as much memory again, and 3 gas a word to copy it.
    const words = big / 32n;
    const bombsOwnMemory = 3n * words + words ** 2n / 512n;
    expect(extra).to.be.greaterThan(bombsOwnMemory);
    expect(extra).to.be.lessThan(bombsOwnMemory + 3n * words);
    // And the batch goes on past it.
    const tx = batcher.followAll(await followsOf([await bombOf(big), hw.followers[0]!], roundId, commitment));
    await expect(tx).to.emit(hw.followers[0]!, "SignalFollowed");
  });

  it("refuses an empty batch", async () => {
    const { batcher } = await networkHelpers.loadFixture(fixture);
    await expect(batcher.followAll([])).to.be.revertedWithCustomError(batcher as FollowBatcher, "EmptyBatch");
  });
});
