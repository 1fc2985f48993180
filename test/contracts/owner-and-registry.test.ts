import { expect } from "chai";
import { network } from "hardhat";

import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";
import { ZeroAddress, parseEther } from "ethers";

import { TEST_LIMITS, TEST_MODEL_HASH, TEST_POLICY, deployTraderWorld, wiringOf } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const fixture = () => deployTraderWorld(ethers, networkHelpers);

describe("DecentralizedTrader owner functions: refusals leave everything as it was", function () {
  this.timeout(120_000);

  async function ownerState(tw: Awaited<ReturnType<typeof fixture>>) {
    const trader = await tw.trader.getAddress();
    return {
      policy: [...(await tw.trader.policy())],
      paused: await tw.trader.paused(),
      owner: await tw.trader.owner(),
      agentAuthorized: await tw.trader.isAuthorized(tw.agent.address),
      strangerAuthorized: await tw.trader.isAuthorized(tw.stranger.address),
      weth: await tw.world.weth.balanceOf(trader),
      usdc: await tw.world.usdc.balanceOf(trader),
    };
  }

  it("refuses every owner function to anyone else (OwnableUnauthorizedAccount)", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const before = await ownerState(tw);
    const asStranger = tw.trader.connect(tw.stranger);
    const weth = await tw.world.weth.getAddress();
    const calls = [
      () => asStranger.deposit(weth, 1n),
      () => asStranger.withdraw(weth, 1n, tw.stranger.address),
      () => asStranger.setPolicy({ ...TEST_POLICY, maxPosition: 1n }),
      () => asStranger.setAgentAuthorization(tw.stranger.address, true),
      () => asStranger.unpause(),
      () => asStranger.setGuardian(tw.stranger.address),
      () => asStranger.setOptimisticLane(tw.stranger.address),
    ];
    for (const call of calls)
      await expect(call()).to.be.revertedWithCustomError(tw.trader, "OwnableUnauthorizedAccount");
    // pausing is open to the guardian too, so a stranger's refusal names both
    await expect(asStranger.pause())
      .to.be.revertedWithCustomError(tw.trader, "NotOwnerOrGuardian")
      .withArgs(tw.stranger.address);
    expect(await ownerState(tw)).to.deep.equal(before);
  });

  const badPolicies: [string, Partial<typeof TEST_POLICY>][] = [
    ["maxPosition", { maxPosition: 0n }],
    ["thresholdBps", { thresholdBps: 10_000n }],
    ["maxSlippageBps", { maxSlippageBps: 0n }],
    ["maxSlippageBps", { maxSlippageBps: 10_000n }],
    ["maxOracleAge", { maxOracleAge: 0n }],
    ["poolFee", { poolFee: 0n }],
  ];
  for (const [field, change] of badPolicies) {
    it(`refuses a policy with ${field} = ${Object.values(change)[0]} (InvalidPolicy)`, async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      const before = await ownerState(tw);
      await expect(tw.trader.setPolicy({ ...TEST_POLICY, ...change }))
        .to.be.revertedWithCustomError(tw.trader, "InvalidPolicy")
        .withArgs(field);
      expect(await ownerState(tw)).to.deep.equal(before);
    });
  }

  it("refuses a deposit of a token the vault does not trade, and zero addresses", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const before = await ownerState(tw);
    await expect(tw.trader.deposit(await tw.registry.getAddress(), 1n))
      .to.be.revertedWithCustomError(tw.trader, "InvalidPolicy")
      .withArgs("token");
    await expect(tw.trader.withdraw(await tw.world.weth.getAddress(), 1n, ZeroAddress)).to.be.revertedWithCustomError(
      tw.trader,
      "ZeroAddress",
    );
    await expect(tw.trader.setAgentAuthorization(ZeroAddress, true)).to.be.revertedWithCustomError(
      tw.trader,
      "ZeroAddress",
    );
    expect(await ownerState(tw)).to.deep.equal(before);
  });

  it("refuses to deploy with a zero address in its wiring", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const factory = new DecentralizedTrader__factory(tw.owner);
    await expect(
      factory.deploy(
        tw.owner.address,
        await wiringOf(tw, { sequencerUptimeFeed: ZeroAddress, verifier: ZeroAddress }),
        TEST_POLICY,
        TEST_LIMITS,
      ),
    ).to.be.revertedWithCustomError(factory, "ZeroAddress");
  });

  it("emits an event for every owner change", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const weth = await tw.world.weth.getAddress();
    const newPolicy = { ...TEST_POLICY, maxPosition: parseEther("3") };
    await expect(tw.trader.setPolicy(newPolicy)).to.emit(tw.trader, "PolicyUpdated");
    expect((await tw.trader.policy()).maxPosition).to.equal(parseEther("3"));
    await expect(tw.trader.setAgentAuthorization(tw.stranger.address, true))
      .to.emit(tw.trader, "AgentAuthorizationSet")
      .withArgs(tw.stranger.address, true);
    await expect(tw.trader.pause()).to.emit(tw.trader, "Paused").withArgs(tw.owner.address);
    await expect(tw.trader.unpause()).to.emit(tw.trader, "Unpaused").withArgs(tw.owner.address);
    await expect(tw.trader.withdraw(weth, 1n, tw.owner.address))
      .to.emit(tw.trader, "Withdrawn")
      .withArgs(weth, 1n, tw.owner.address);
    await tw.world.weth.approve(await tw.trader.getAddress(), 1n);
    await expect(tw.trader.deposit(weth, 1n)).to.emit(tw.trader, "Deposited").withArgs(weth, 1n);
  });

  it("hands ownership over in two steps (Ownable2Step)", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    await tw.trader.transferOwnership(tw.stranger.address);
    expect(await tw.trader.owner()).to.equal(tw.owner.address);
    await expect(tw.trader.connect(tw.agent).acceptOwnership()).to.be.revertedWithCustomError(
      tw.trader,
      "OwnableUnauthorizedAccount",
    );
    await tw.trader.connect(tw.stranger).acceptOwnership();
    expect(await tw.trader.owner()).to.equal(tw.stranger.address);
  });
});

describe("ModelRegistry: governance refusals leave the registry as it was", function () {
  this.timeout(120_000);
  const OTHER = 0xabcdefn;

  it("refuses registration, approval and revocation to anyone but the governor", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const asStranger = tw.registry.connect(tw.stranger);
    await expect(asStranger.register(OTHER, "m", "1", "u")).to.be.revertedWithCustomError(
      tw.registry,
      "AccessControlUnauthorizedAccount",
    );
    await expect(asStranger.approve(TEST_MODEL_HASH)).to.be.revertedWithCustomError(
      tw.registry,
      "AccessControlUnauthorizedAccount",
    );
    await expect(asStranger.revoke(TEST_MODEL_HASH, "x")).to.be.revertedWithCustomError(
      tw.registry,
      "AccessControlUnauthorizedAccount",
    );
    expect(await tw.registry.statusOf(OTHER)).to.equal(0n);
    expect(await tw.registry.isApproved(TEST_MODEL_HASH)).to.equal(true);
  });

  for (const [name, hash] of [
    ["zero", 0n],
    ["2^248 (does not fit the field after >> 8)", 1n << 248n],
  ] as const) {
    it(`refuses a model hash of ${name} (InvalidModelHash)`, async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      await expect(tw.registry.register(hash, "m", "1", "u"))
        .to.be.revertedWithCustomError(tw.registry, "InvalidModelHash")
        .withArgs(hash);
      expect(await tw.registry.statusOf(hash)).to.equal(0n);
    });
  }

  it("refuses a second registration of the same hash, keeping the first record", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const before = await tw.registry.modelInfo(TEST_MODEL_HASH);
    await expect(tw.registry.register(TEST_MODEL_HASH, "impostor", "9", "evil://"))
      .to.be.revertedWithCustomError(tw.registry, "ModelAlreadyRegistered")
      .withArgs(TEST_MODEL_HASH);
    expect([...(await tw.registry.modelInfo(TEST_MODEL_HASH))]).to.deep.equal([...before]);
  });

  it("walks Registered → Approved → Revoked with events, and revocation is final", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    await expect(tw.registry.approve(OTHER))
      .to.be.revertedWithCustomError(tw.registry, "UnexpectedModelStatus")
      .withArgs(OTHER, 0n);
    await expect(tw.registry.register(OTHER, "m", "1", "u"))
      .to.emit(tw.registry, "ModelRegistered")
      .withArgs(OTHER, "m", "1", "u", 0n); // attested
    expect(await tw.registry.isApproved(OTHER)).to.equal(false);
    await expect(tw.registry.approve(OTHER)).to.emit(tw.registry, "ModelApproved").withArgs(OTHER);
    await expect(tw.registry.approve(OTHER))
      .to.be.revertedWithCustomError(tw.registry, "UnexpectedModelStatus")
      .withArgs(OTHER, 2n);
    await expect(tw.registry.revoke(OTHER, "leaked")).to.emit(tw.registry, "ModelRevoked").withArgs(OTHER, "leaked");
    await expect(tw.registry.approve(OTHER))
      .to.be.revertedWithCustomError(tw.registry, "UnexpectedModelStatus")
      .withArgs(OTHER, 3n);
    await expect(tw.registry.revoke(OTHER, "again"))
      .to.be.revertedWithCustomError(tw.registry, "UnexpectedModelStatus")
      .withArgs(OTHER, 3n);
    expect(await tw.registry.statusOf(OTHER)).to.equal(3n);
    expect(await tw.registry.isApproved(OTHER)).to.equal(false);
  });
});
