import { expect } from "chai";
import { network } from "hardhat";

import { Action, PolicyViolationError } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { OptimisticLane__factory } from "@zkagent/contracts/typechain";
import { AbiCoder, ZeroAddress, keccak256 } from "ethers";

import { NO_PROOF, forgedSignals } from "../helpers/forged-world.ts";
import { AGENT_BOND, LANE, claimOf, deployOptimisticWorld, type OptimisticWorld } from "../helpers/optimistic-world.ts";
import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, TEST_POLICY } from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = 10n ** 18n;
const BELOW = (PRICE_3000 * 98n) / 100n; // 2 % under the MA: the policy allows BUY
const STATE = { none: 0n, open: 1n, challenged: 2n, settled: 3n, slashed: 4n };

async function fixture() {
  return deployOptimisticWorld(ethers, networkHelpers);
}

async function marketAt(ow: OptimisticWorld, price: bigint) {
  await pushPrice(ow.world.priceFeed, price);
  await movePoolToPrice(ow.world, ow.stranger, price);
}

const deadline = async () => BigInt(await networkHelpers.time.latest()) + 600n;

/** An honest agent's optimistic BUY: proves, keeps the proof, submits only the public signals. */
async function honestBuy(ow: OptimisticWorld, size = ONE_ETH) {
  const proof = await proveTrade(ow, ow.agent, { action: Action.BUY, size });
  const tx = await ow.trader.connect(ow.agent).executeOptimistic(proof.publicSignals, await deadline(), 0n);
  const receipt = (await tx.wait())!;
  return { proof, receipt, ...claimOf(ow.lane, receipt) };
}

/** A cheating agent's optimistic BUY at the moving average, where the policy says HOLD. */
async function cheatingBuy(ow: OptimisticWorld, size = ONE_ETH) {
  const signals = await forgedSignals(ow, Action.BUY, size);
  const tx = await ow.trader.connect(ow.agent).executeOptimistic(signals, await deadline(), 0n);
  const receipt = (await tx.wait())!;
  return { signals, receipt, ...claimOf(ow.lane, receipt) };
}

async function bondOf(ow: OptimisticWorld, agent = ow.agent.address) {
  const b = await ow.lane.bondOf(await ow.trader.getAddress(), agent);
  return { total: b.total, locked: b.locked, pending: b.pending, slashed: b.slashed };
}

describe("the optimistic path: bond, challenge, ZK resolution, slashing", function () {
  this.timeout(240_000);
  after(closeSharedProver);

  it("executes a trade without verifying a proof, opening a claim that locks the trade's worst loss", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const { proof, receipt, id, claim } = await honestBuy(ow);

    expect(await ow.trader.positionOf(ow.agent.address)).to.equal(ONE_ETH);
    expect(await ow.trader.nonceOf(ow.agent.address)).to.equal(1n);
    expect(claim.signalsHash).to.equal(
      keccak256(AbiCoder.defaultAbiCoder().encode(["uint256[5]"], [proof.publicSignals])),
    );
    expect(claim.verifier).to.equal(await ow.verifier.getAddress());
    // worst loss = oracle value × maxSlippageBps, rounded up: 1 ETH × 2 940 USD × 1 % = 29.4 USDC
    expect(claim.worstLoss).to.equal(29_400_000n);
    expect(claim.challengeDeadline).to.equal(
      BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp) + LANE.challengeWindow,
    );
    expect(await bondOf(ow)).to.deep.equal({ total: AGENT_BOND, locked: 29_400_000n, pending: 1n, slashed: false });
    expect((await ow.lane.claimState(id))[0]).to.equal(STATE.open);
    const trade = ow.trader.interface.parseLog(receipt.logs.find((l) => l.address === ow.trader.target)!)!;
    expect(trade.name).to.equal("TradeExecuted");
  });

  it("finalises an unchallenged claim only after its window, releasing the lock", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const { id, claim } = await honestBuy(ow);
    await expect(ow.lane.connect(ow.stranger).finalize(claim))
      .to.be.revertedWithCustomError(ow.lane, "ChallengeWindowOpen")
      .withArgs(id, claim.challengeDeadline);
    await networkHelpers.time.increaseTo(claim.challengeDeadline + 1n);
    await expect(ow.lane.connect(ow.stranger).finalize(claim)).to.emit(ow.lane, "ClaimFinalized").withArgs(id);
    expect(await bondOf(ow)).to.deep.equal({ total: AGENT_BOND, locked: 0n, pending: 0n, slashed: false });
    expect((await ow.lane.claimState(id))[0]).to.equal(STATE.settled);
    // settled is final: no second finalisation, no late challenge
    await expect(ow.lane.finalize(claim)).to.be.revertedWithCustomError(ow.lane, "UnknownClaim");
    await expect(ow.lane.connect(ow.challenger).challenge(claim)).to.be.revertedWithCustomError(
      ow.lane,
      "UnknownClaim",
    );
  });

  it("an honest agent answers a challenge with its proof and wins the challenger's bond", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const { proof, id, claim } = await honestBuy(ow);
    await expect(ow.lane.connect(ow.challenger).challenge(claim)).to.emit(ow.lane, "ClaimChallengedBy");
    expect((await ow.lane.claimState(id))[0]).to.equal(STATE.challenged);
    await expect(ow.lane.connect(ow.challenger).challenge(claim))
      .to.be.revertedWithCustomError(ow.lane, "AlreadyChallenged")
      .withArgs(id, ow.challenger.address);
    // a challenged claim is proven or slashed, never finalised
    await networkHelpers.time.increaseTo(claim.challengeDeadline + 1n);
    await expect(ow.lane.finalize(claim)).to.be.revertedWithCustomError(ow.lane, "ClaimChallenged").withArgs(id);

    const agentUsdc = await ow.world.usdc.balanceOf(ow.agent.address);
    await expect(ow.lane.connect(ow.agent).prove(claim, proof.solidityProof, proof.publicSignals))
      .to.emit(ow.lane, "ClaimProven")
      .withArgs(id, ow.challenger.address);
    expect((await ow.world.usdc.balanceOf(ow.agent.address)) - agentUsdc).to.equal(LANE.challengeBond);
    expect(await bondOf(ow)).to.deep.equal({ total: AGENT_BOND, locked: 0n, pending: 0n, slashed: false });
    expect(await ow.trader.isAuthorized(ow.agent.address)).to.equal(true);
    await expect(ow.lane.slash(claim)).to.be.revertedWithCustomError(ow.lane, "UnknownClaim");
  });

  it("slashes a cheating agent that cannot prove its claim: vault compensated, challenger rewarded, agent deauthorised", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, PRICE_3000); // at the moving average: the policy says HOLD
    const { signals, id, claim } = await cheatingBuy(ow);
    expect(await ow.trader.positionOf(ow.agent.address)).to.equal(ONE_ETH); // it executed

    // No proof of this claim exists: the prover refuses it (and the circuit's R1CS refuses a
    // tampered witness for it: circuits/test/rules.test.ts, "a BUY inside the band").
    const refusal = await proveTrade(ow, ow.agent, { action: Action.BUY, size: ONE_ETH }, { nonce: 0n }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).to.be.instanceOf(PolicyViolationError);
    await ow.lane.connect(ow.challenger).challenge(claim);
    // a wrong proof or other signals do not answer it
    await expect(ow.lane.prove(claim, NO_PROOF, signals)).to.be.revertedWithCustomError(ow.lane, "InvalidClaimProof");
    const other = [...signals] as typeof signals;
    other[1] += 1n;
    await expect(ow.lane.prove(claim, NO_PROOF, other)).to.be.revertedWithCustomError(ow.lane, "SignalsMismatch");

    const [, , responseDeadline] = await ow.lane.claimState(id);
    await expect(ow.lane.slash(claim))
      .to.be.revertedWithCustomError(ow.lane, "ResponseWindowOpen")
      .withArgs(id, responseDeadline);
    await networkHelpers.time.increaseTo(responseDeadline + 1n);

    const trader = await ow.trader.getAddress();
    const vaultUsdc = await ow.world.usdc.balanceOf(trader);
    const challengerUsdc = await ow.world.usdc.balanceOf(ow.challenger.address);
    await expect(ow.lane.connect(ow.stranger).slash(claim))
      .to.emit(ow.lane, "AgentSlashed")
      .withArgs(
        id,
        trader,
        ow.agent.address,
        ow.challenger.address,
        AGENT_BOND - LANE.slashReward,
        LANE.challengeBond + LANE.slashReward,
        true,
      );
    // the vault gets more than the claim's worst loss: the whole bond less the reward
    expect((await ow.world.usdc.balanceOf(trader)) - vaultUsdc).to.equal(AGENT_BOND - LANE.slashReward);
    expect(AGENT_BOND - LANE.slashReward).to.be.greaterThan(claim.worstLoss);
    expect((await ow.world.usdc.balanceOf(ow.challenger.address)) - challengerUsdc).to.equal(
      LANE.challengeBond + LANE.slashReward,
    );
    expect(await ow.trader.isAuthorized(ow.agent.address)).to.equal(false);
    expect(await bondOf(ow)).to.deep.equal({ total: 0n, locked: 0n, pending: 0n, slashed: true });
    expect((await ow.lane.claimState(id))[0]).to.equal(STATE.slashed);
    // slashed is final for this vault: no new bond, no new trade
    await expect(ow.lane.connect(ow.agent).depositBond(trader, 1n)).to.be.revertedWithCustomError(
      ow.lane,
      "AgentSlashedForTrader",
    );
    await expect(
      ow.trader.connect(ow.agent).executeOptimistic(await forgedSignals(ow, Action.SELL, 1n), await deadline(), 0n),
    ).to.be.revertedWithCustomError(ow.trader, "AgentNotAuthorized");
  });

  it("keeps a lane's open claims settleable after the owner moves the vault to another lane: the slash pays out but cannot deauthorise", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    const trader = await ow.trader.getAddress();
    await marketAt(ow, BELOW);
    const proven = await honestBuy(ow, ONE_ETH / 2n);
    const finalised = await honestBuy(ow, ONE_ETH / 2n);
    await marketAt(ow, PRICE_3000);
    const cheat = await cheatingBuy(ow);
    await ow.lane.connect(ow.challenger).challenge(cheat.claim);

    // the owner moves the vault to lane B while lane A holds three unsettled claims
    const laneB = await new OptimisticLane__factory(ow.owner).deploy(
      await ow.world.usdc.getAddress(),
      LANE.challengeWindow,
      LANE.responseWindow,
      LANE.challengeBond,
      LANE.slashReward,
      LANE.maxPendingClaims,
    );
    await ow.trader.setOptimisticLane(await laneB.getAddress());
    expect(await ow.trader.optimisticLane()).to.equal(await laneB.getAddress());

    // an honest claim on A is still proven early, releasing its lock
    await expect(ow.lane.prove(proven.claim, proven.proof.solidityProof, proven.proof.publicSignals))
      .to.emit(ow.lane, "ClaimProven")
      .withArgs(proven.id, ZeroAddress);
    expect(await bondOf(ow)).to.deep.equal({
      total: AGENT_BOND,
      locked: finalised.claim.worstLoss + cheat.claim.worstLoss,
      pending: 2n,
      slashed: false,
    });

    // the withheld proof is slashed on A: the payout lands, but A may no longer deauthorise
    const [, , responseDeadline] = await ow.lane.claimState(cheat.id);
    await networkHelpers.time.increaseTo(responseDeadline + 1n);
    const vaultUsdc = await ow.world.usdc.balanceOf(trader);
    const challengerUsdc = await ow.world.usdc.balanceOf(ow.challenger.address);
    await expect(ow.lane.connect(ow.stranger).slash(cheat.claim))
      .to.emit(ow.lane, "AgentSlashed")
      .withArgs(
        cheat.id,
        trader,
        ow.agent.address,
        ow.challenger.address,
        AGENT_BOND - LANE.slashReward,
        LANE.challengeBond + LANE.slashReward,
        false,
      )
      .and.not.to.emit(ow.trader, "AgentAuthorizationSet");
    expect((await ow.world.usdc.balanceOf(trader)) - vaultUsdc).to.equal(AGENT_BOND - LANE.slashReward);
    expect((await ow.world.usdc.balanceOf(ow.challenger.address)) - challengerUsdc).to.equal(
      LANE.challengeBond + LANE.slashReward,
    );
    expect(await ow.trader.isAuthorized(ow.agent.address)).to.equal(true);
    expect((await ow.lane.claimState(cheat.id))[0]).to.equal(STATE.slashed);
    // lane A no longer reaches the vault's authorisations at all
    await expect(ow.trader.connect(ow.stranger).revokeSlashedAgent(ow.agent.address))
      .to.be.revertedWithCustomError(ow.trader, "NotOptimisticLane")
      .withArgs(ow.stranger.address);

    // the last claim on A finalises after its window (nothing left to release: the slash paid the bond)
    await networkHelpers.time.increaseTo(finalised.claim.challengeDeadline + 1n);
    await expect(ow.lane.finalize(finalised.claim)).to.emit(ow.lane, "ClaimFinalized").withArgs(finalised.id);
    expect((await ow.lane.claimState(finalised.id))[0]).to.equal(STATE.settled);
    expect((await ow.lane.claimState(proven.id))[0]).to.equal(STATE.settled);
    expect(await bondOf(ow)).to.deep.equal({ total: 0n, locked: 0n, pending: 0n, slashed: true });
    // the agent, still authorised, trades optimistically again only once bonded on lane B; the
    // owner deauthorises it by hand (SECURITY.md, open threats)
    await marketAt(ow, PRICE_3000);
    const sell = await forgedSignals(ow, Action.SELL, ONE_ETH / 10n);
    await expectUnchanged(ow, ow.agent.address, async () => {
      await expect(ow.trader.connect(ow.agent).executeOptimistic(sell, await deadline(), 0n))
        .to.be.revertedWithCustomError(laneB, "InsufficientBond")
        .withArgs(0n, (x: bigint) => x > LANE.slashReward);
    });
    await ow.trader.setAgentAuthorization(ow.agent.address, false);
    expect(await ow.trader.isAuthorized(ow.agent.address)).to.equal(false);
  });

  it("refuses a claim the bond cannot cover, and an agent past its unsettled claims, changing nothing", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const trader = await ow.trader.getAddress();
    // the other agent is authorised but has bonded only 60 USDC: 29.4 + 50 reserve is needed
    await ow.lane.connect(ow.otherAgent).depositBond(trader, 60_000_000n);
    const poor = await proveTrade(ow, ow.otherAgent, { action: Action.BUY, size: ONE_ETH });
    await expectUnchanged(ow, ow.otherAgent.address, async () => {
      await expect(ow.trader.connect(ow.otherAgent).executeOptimistic(poor.publicSignals, await deadline(), 0n))
        .to.be.revertedWithCustomError(ow.lane, "InsufficientBond")
        .withArgs(60_000_000n, 29_400_000n + LANE.slashReward);
    });

    const small = ONE_ETH / 10n;
    for (let i = 0; i < Number(LANE.maxPendingClaims); i++) await honestBuy(ow, small);
    const fourth = await proveTrade(ow, ow.agent, { action: Action.BUY, size: small });
    await expectUnchanged(ow, ow.agent.address, async () => {
      await expect(ow.trader.connect(ow.agent).executeOptimistic(fourth.publicSignals, await deadline(), 0n))
        .to.be.revertedWithCustomError(ow.lane, "TooManyPendingClaims")
        .withArgs(ow.agent.address, LANE.maxPendingClaims);
    });
  });

  it("keeps locked bond and the challenger's reserve out of reach of a withdrawal racing a challenge", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, PRICE_3000);
    const trader = await ow.trader.getAddress();
    const { claim } = await cheatingBuy(ow);
    const free = AGENT_BOND - claim.worstLoss - LANE.slashReward;
    expect(await ow.lane.withdrawableBond(trader, ow.agent.address)).to.equal(free);
    await expect(ow.lane.connect(ow.agent).withdrawBond(trader, free + 1n, ow.agent.address))
      .to.be.revertedWithCustomError(ow.lane, "BondLocked")
      .withArgs(free + 1n, free);
    await ow.lane.connect(ow.agent).withdrawBond(trader, free, ow.agent.address);
    // even fully withdrawn, the slash still pays the vault the worst loss and the challenger its reward
    await ow.lane.connect(ow.challenger).challenge(claim);
    await networkHelpers.time.increase(LANE.responseWindow + 1n);
    const vaultUsdc = await ow.world.usdc.balanceOf(trader);
    await ow.lane.slash(claim);
    expect((await ow.world.usdc.balanceOf(trader)) - vaultUsdc).to.equal(claim.worstLoss);
  });

  it("gives no one else a way at an agent's bond: claims are keyed by the calling trader", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    const signals = await forgedSignals(ow, Action.BUY, ONE_ETH);
    // A contract (here an account) posing as a trader finds no bond of the agent posted for it.
    await expect(ow.lane.connect(ow.stranger).openClaim(ow.agent.address, 0n, signals, ZeroAddress, 1n))
      .to.be.revertedWithCustomError(ow.lane, "InsufficientBond")
      .withArgs(0n, 1n + LANE.slashReward);
    expect(await bondOf(ow)).to.deep.equal({ total: AGENT_BOND, locked: 0n, pending: 0n, slashed: false });
    // and only the agent itself can withdraw its bond
    await expect(
      ow.lane.connect(ow.stranger).withdrawBond(await ow.trader.getAddress(), 1n, ow.stranger.address),
    ).to.be.revertedWithCustomError(ow.lane, "BondLocked");
  });

  it("refuses a challenge after the window, and a claim whose fields were altered", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const { id, claim } = await honestBuy(ow);
    await expect(ow.lane.connect(ow.challenger).challenge({ ...claim, worstLoss: 1n }))
      .to.be.revertedWithCustomError(ow.lane, "UnknownClaim")
      .withArgs(id);
    await networkHelpers.time.increaseTo(claim.challengeDeadline + 1n);
    await expect(ow.lane.connect(ow.challenger).challenge(claim))
      .to.be.revertedWithCustomError(ow.lane, "ChallengeWindowClosed")
      .withArgs(id, claim.challengeDeadline);
    await expect(ow.lane.slash(claim)).to.be.revertedWithCustomError(ow.lane, "NotChallenged").withArgs(id);
  });

  it("finalises several unchallenged claims in one transaction, all or nothing", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const first = await honestBuy(ow, ONE_ETH / 2n);
    const second = await honestBuy(ow, ONE_ETH / 2n);
    const challenged = await honestBuy(ow, ONE_ETH / 2n);
    await ow.lane.connect(ow.challenger).challenge(challenged.claim);
    await networkHelpers.time.increaseTo(challenged.claim.challengeDeadline + 1n);
    // One claim in the batch that may not be finalised (challenged) reverts the whole batch.
    const before = await bondOf(ow);
    await expect(ow.lane.finalizeMany([first.claim, challenged.claim, second.claim]))
      .to.be.revertedWithCustomError(ow.lane, "ClaimChallenged")
      .withArgs(challenged.id);
    expect(await bondOf(ow)).to.deep.equal(before);
    expect((await ow.lane.claimState(first.id))[0]).to.equal(STATE.open);
    const tx = ow.lane.connect(ow.stranger).finalizeMany([first.claim, second.claim]);
    await expect(tx).to.emit(ow.lane, "ClaimFinalized").withArgs(first.id);
    await expect(tx).to.emit(ow.lane, "ClaimFinalized").withArgs(second.id);
    for (const { id } of [first, second]) expect((await ow.lane.claimState(id))[0]).to.equal(STATE.settled);
    // Only the challenged claim's worst loss stays locked.
    expect(await bondOf(ow)).to.deep.equal({
      total: AGENT_BOND,
      locked: challenged.claim.worstLoss,
      pending: 1n,
      slashed: false,
    });
    await expect(ow.lane.finalizeMany([first.claim])).to.be.revertedWithCustomError(ow.lane, "UnknownClaim");
  });

  it("settles several claims early with their proofs in one transaction", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const first = await honestBuy(ow, ONE_ETH / 2n);
    const second = await honestBuy(ow, ONE_ETH / 2n);
    await expect(
      ow.lane.proveMany(
        [first.claim, second.claim],
        [first.proof.solidityProof, second.proof.solidityProof],
        [first.proof.publicSignals, second.proof.publicSignals],
      ),
    )
      .to.emit(ow.lane, "ClaimProven")
      .withArgs(second.id, ZeroAddress);
    expect(await bondOf(ow)).to.deep.equal({ total: AGENT_BOND, locked: 0n, pending: 0n, slashed: false });
    await expect(ow.lane.proveMany([first.claim], [], [])).to.be.revertedWithCustomError(ow.lane, "LengthMismatch");
  });

  it("keeps the direct path's on-chain checks on the optimistic path: a claim past the cap never executes", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const signals = await forgedSignals(ow, Action.BUY, TEST_POLICY.maxPosition + 1n);
    await expectUnchanged(ow, ow.agent.address, async () => {
      await expect(ow.trader.connect(ow.agent).executeOptimistic(signals, await deadline(), 0n))
        .to.be.revertedWithCustomError(ow.trader, "PositionCapExceeded")
        .withArgs(0n, TEST_POLICY.maxPosition + 1n, TEST_POLICY.maxPosition);
    });
    expect(await bondOf(ow)).to.deep.equal({ total: AGENT_BOND, locked: 0n, pending: 0n, slashed: false });
  });

  it("is off until the owner sets a lane in the vault's quote token", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    await ow.trader.setOptimisticLane(ZeroAddress);
    const signals = await forgedSignals(ow, Action.BUY, ONE_ETH);
    await expect(
      ow.trader.connect(ow.agent).executeOptimistic(signals, await deadline(), 0n),
    ).to.be.revertedWithCustomError(ow.trader, "OptimisticPathDisabled");
    const wethLane = await new OptimisticLane__factory(ow.owner).deploy(
      await ow.world.weth.getAddress(),
      LANE.challengeWindow,
      LANE.responseWindow,
      1n,
      0n,
      1n,
    );
    await expect(ow.trader.setOptimisticLane(await wethLane.getAddress()))
      .to.be.revertedWithCustomError(ow.trader, "LaneBondTokenMismatch")
      .withArgs(await ow.world.weth.getAddress(), await ow.world.usdc.getAddress());
    // only the lane may deauthorise an agent through the slashing hook
    await expect(ow.trader.connect(ow.stranger).revokeSlashedAgent(ow.agent.address))
      .to.be.revertedWithCustomError(ow.trader, "NotOptimisticLane")
      .withArgs(ow.stranger.address);
  });

  it("refuses lane parameters that would make challenges impractical", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    const factory = new OptimisticLane__factory(ow.owner);
    const usdc = await ow.world.usdc.getAddress();
    // [name, value refused, constructor arguments after the token]
    const cases: [string, bigint, [bigint, bigint, bigint, bigint, bigint]][] = [
      ["challengeWindow", 599n, [599n, 3600n, 1n, 0n, 1n]],
      ["responseWindow", 599n, [3600n, 599n, 1n, 0n, 1n]],
      ["challengeBond", 0n, [3600n, 3600n, 0n, 0n, 1n]],
      ["maxPendingClaims", 0n, [3600n, 3600n, 1n, 0n, 0n]],
    ];
    for (const [name, value, params] of cases) {
      await expect(factory.deploy(usdc, ...params))
        .to.be.revertedWithCustomError(factory, "InvalidLaneParameter")
        .withArgs(name, value);
    }
  });
});

describe("the guardian and the disclosure record", function () {
  this.timeout(240_000);
  after(closeSharedProver);

  it("lets the guardian pause at once but not unpause; only the owner names the guardian", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await expect(ow.trader.setGuardian(ow.stranger.address))
      .to.emit(ow.trader, "GuardianSet")
      .withArgs(ZeroAddress, ow.stranger.address);
    await expect(ow.trader.connect(ow.stranger).pause()).to.emit(ow.trader, "Paused").withArgs(ow.stranger.address);
    expect(await ow.trader.paused()).to.equal(true);
    await expect(ow.trader.connect(ow.stranger).unpause()).to.be.revertedWithCustomError(
      ow.trader,
      "OwnableUnauthorizedAccount",
    );
    expect(await ow.trader.paused()).to.equal(true);
    await ow.trader.setGuardian(ZeroAddress);
    await expect(ow.trader.connect(ow.stranger).pause())
      .to.be.revertedWithCustomError(ow.trader, "NotOwnerOrGuardian")
      .withArgs(ow.stranger.address);
  });

  it("commits a decision record's hash beside the trade, bound to the agent and nonce", async () => {
    const ow = await networkHelpers.loadFixture(fixture);
    await marketAt(ow, BELOW);
    const proof = await proveTrade(ow, ow.agent, { action: Action.BUY, size: ONE_ETH });
    const recordHash = keccak256("0x1234");
    await expect(
      ow.trader
        .connect(ow.agent)
        .executeTradeWithRecord(proof.solidityProof, proof.publicSignals, await deadline(), 0n, recordHash),
    )
      .to.emit(ow.trader, "DecisionRecordCommitted")
      .withArgs(ow.agent.address, 0n, recordHash)
      .and.to.emit(ow.trader, "TradeExecuted");
  });
});
