import { expect } from "chai";
import { network } from "hardhat";

import { ZeroAddress, parseEther, parseUnits } from "ethers";

import { verifyGovernance } from "../../scripts/deploy/verify-governance.ts";
import { EXECUTOR_ROLE, PROPOSER_ROLE } from "@zkagent/contracts/ignition";
import { TEST_LIMITS, TEST_MODEL_HASH, TEST_POLICY } from "../helpers/trader-fixture.ts";
import { TEST_DELAY, deployGovernedWorld, schedule, type Call, type GovernedWorld } from "../helpers/governed-world.ts";

const connection = await network.create();
const { networkHelpers } = connection;
const fixture = () => deployGovernedWorld(connection);

/** TimelockController's bitmap for "expected Ready" in TimelockUnexpectedOperationState. */
const READY = `0x${"4".padStart(64, "0")}`;

/** Everything a time-locked change could touch, to show a refused one changed nothing. */
async function governedState(gw: GovernedWorld) {
  const trader = await gw.trader.getAddress();
  return {
    policy: [...(await gw.trader.policy())].map(String),
    limits: [...(await gw.trader.riskLimits())].map(String),
    paused: await gw.trader.paused(),
    owner: await gw.trader.owner(),
    pendingOwner: await gw.trader.pendingOwner(),
    guardian: await gw.trader.guardian(),
    agentAuthorized: await gw.trader.isAuthorized(gw.agent.address),
    weth: String(await gw.world.weth.balanceOf(trader)),
    model: String(await gw.registry.statusOf(TEST_MODEL_HASH)),
    delay: String(await gw.timelock.getMinDelay()),
  };
}

const traderCall = async (gw: GovernedWorld, fn: string, args: unknown[]): Promise<Call> => ({
  target: await gw.trader.getAddress(),
  data: gw.trader.interface.encodeFunctionData(fn as never, args as never),
});
const registryCall = async (gw: GovernedWorld, fn: string, args: unknown[]): Promise<Call> => ({
  target: await gw.registry.getAddress(),
  data: gw.registry.interface.encodeFunctionData(fn as never, args as never),
});

/** Funds the vault the way a timelock-owned vault is funded: the timelock holds WETH and deposits it. */
async function fundThroughTimelock(gw: GovernedWorld, amount: bigint) {
  const timelock = await gw.timelock.getAddress();
  await gw.world.weth.connect(gw.stranger).deposit({ value: amount });
  await gw.world.weth.connect(gw.stranger).transfer(timelock, amount);
  const op = await schedule(gw, [
    {
      target: await gw.world.weth.getAddress(),
      data: gw.world.weth.interface.encodeFunctionData("approve", [await gw.trader.getAddress(), amount]),
    },
    await traderCall(gw, "deposit", [await gw.world.weth.getAddress(), amount]),
  ]);
  await networkHelpers.time.increaseTo(op.readyAt);
  await op.execute();
}

describe("Time-locked governance (OpenZeppelin TimelockController owns the trader, governs the registry)", function () {
  this.timeout(300_000);

  it("is deployed as `hardhat deploy` leaves it: the timelock owns and governs, the deployer holds nothing, the guardian is named", async () => {
    const gw = await networkHelpers.loadFixture(fixture);
    const problems = await verifyGovernance(gw.deployer.provider!, {
      timelock: await gw.timelock.getAddress(),
      trader: await gw.trader.getAddress(),
      registry: await gw.registry.getAddress(),
      deployer: gw.deployer.address,
      minDelay: TEST_DELAY,
      proposers: [gw.proposer.address],
      executors: [gw.executor.address],
      guardian: gw.guardian.address,
    });
    expect(problems).to.deep.equal([]);
    expect(await gw.timelock.hasRole(PROPOSER_ROLE, gw.deployer.address)).to.equal(false);
    expect(await gw.timelock.hasRole(EXECUTOR_ROLE, gw.deployer.address)).to.equal(false);
  });

  interface Change {
    what: string;
    calls: (gw: GovernedWorld) => Promise<Call[]>;
    /** Before scheduling (e.g. funding the vault, or the guardian pausing for an unpause). */
    prepare?: (gw: GovernedWorld) => Promise<void>;
    /** The governed contract's events the execution must emit. */
    events: (gw: GovernedWorld) => [{ interface: unknown }, string][];
    took: (gw: GovernedWorld) => Promise<unknown>;
  }
  const changes: Change[] = [
    {
      what: "a policy change (setPolicy)",
      calls: async (gw) => [await traderCall(gw, "setPolicy", [{ ...TEST_POLICY, maxPosition: parseEther("1") }])],
      events: (gw) => [[gw.trader, "PolicyUpdated"]],
      took: async (gw) => expect((await gw.trader.policy()).maxPosition).to.equal(parseEther("1")),
    },
    {
      what: "new risk limits (setRiskLimits)",
      calls: async (gw) => [await traderCall(gw, "setRiskLimits", [{ ...TEST_LIMITS, maxTradesPerBlock: 1n }])],
      events: () => [],
      took: async (gw) => expect((await gw.trader.riskLimits()).maxTradesPerBlock).to.equal(1n),
    },
    {
      what: "an agent's authorisation (setAgentAuthorization)",
      calls: async (gw) => [await traderCall(gw, "setAgentAuthorization", [gw.agent.address, true])],
      events: (gw) => [[gw.trader, "AgentAuthorizationSet"]],
      took: async (gw) => expect(await gw.trader.isAuthorized(gw.agent.address)).to.equal(true),
    },
    {
      what: "a withdrawal (withdraw)",
      prepare: (gw) => fundThroughTimelock(gw, parseEther("1")),
      calls: async (gw) => [
        await traderCall(gw, "withdraw", [await gw.world.weth.getAddress(), parseEther("1"), gw.stranger.address]),
      ],
      events: (gw) => [[gw.trader, "Withdrawn"]],
      took: async (gw) => expect(await gw.world.weth.balanceOf(await gw.trader.getAddress())).to.equal(0n),
    },
    {
      what: "resuming after the guardian paused (unpause)",
      prepare: async (gw) => {
        await gw.trader.connect(gw.guardian).pause();
      },
      calls: async (gw) => [await traderCall(gw, "unpause", [])],
      events: (gw) => [[gw.trader, "Unpaused"]],
      took: async (gw) => expect(await gw.trader.paused()).to.equal(false),
    },
    {
      what: "a new guardian (setGuardian)",
      calls: async (gw) => [await traderCall(gw, "setGuardian", [gw.stranger.address])],
      events: (gw) => [[gw.trader, "GuardianSet"]],
      took: async (gw) => expect(await gw.trader.guardian()).to.equal(gw.stranger.address),
    },
    {
      what: "handing the vault to a new owner (transferOwnership; Ownable2Step)",
      calls: async (gw) => [await traderCall(gw, "transferOwnership", [gw.stranger.address])],
      events: (gw) => [[gw.trader, "OwnershipTransferStarted"]],
      took: async (gw) => expect(await gw.trader.pendingOwner()).to.equal(gw.stranger.address),
    },
    {
      what: "registering and approving a model in the registry (governor path)",
      calls: async (gw) => [
        await registryCall(gw, "register", [TEST_MODEL_HASH, "m", "1", "test://m"]),
        await registryCall(gw, "approve", [TEST_MODEL_HASH]),
      ],
      events: (gw) => [
        [gw.registry, "ModelRegistered"],
        [gw.registry, "ModelApproved"],
      ],
      took: async (gw) => expect(await gw.registry.isApproved(TEST_MODEL_HASH)).to.equal(true),
    },
    {
      what: "shortening the timelock's own delay (updateDelay)",
      calls: async (gw) => [
        {
          target: await gw.timelock.getAddress(),
          data: gw.timelock.interface.encodeFunctionData("updateDelay", [3_600n]),
        },
      ],
      events: (gw) => [[gw.timelock, "MinDelayChange"]],
      took: async (gw) => expect(await gw.timelock.getMinDelay()).to.equal(3_600n),
    },
  ];

  for (const change of changes) {
    it(`${change.what}: executing it before the delay reverts with the timelock's error and changes nothing; after the delay it takes effect and emits its events`, async () => {
      const gw = await networkHelpers.loadFixture(fixture);
      await change.prepare?.(gw);
      const op = await schedule(gw, await change.calls(gw));
      expect(op.readyAt).to.equal(
        BigInt((await gw.deployer.provider!.getBlock(op.scheduleReceipt.blockNumber))!.timestamp) + TEST_DELAY,
      );
      const before = await governedState(gw);

      // Right away, and one second before it is ready: the timelock refuses, nothing moves.
      await expect(op.execute())
        .to.be.revertedWithCustomError(gw.timelock, "TimelockUnexpectedOperationState")
        .withArgs(op.id, READY);
      await networkHelpers.time.setNextBlockTimestamp(op.readyAt - 1n);
      await expect(op.execute())
        .to.be.revertedWithCustomError(gw.timelock, "TimelockUnexpectedOperationState")
        .withArgs(op.id, READY);
      expect(await governedState(gw)).to.deep.equal(before);
      expect(await gw.timelock.isOperationPending(op.id)).to.equal(true);

      await networkHelpers.time.setNextBlockTimestamp(op.readyAt);
      const executed = op.execute();
      await expect(executed).to.emit(gw.timelock, "CallExecuted");
      for (const [contract, event] of change.events(gw)) await expect(executed).to.emit(contract as never, event);
      await change.took(gw);
      expect(await gw.timelock.isOperationDone(op.id)).to.equal(true);
      // An operation runs once.
      await expect(op.execute()).to.be.revertedWithCustomError(gw.timelock, "TimelockUnexpectedOperationState");
    });
  }

  it("refuses every owner and governor function to the accounts behind the timelock when they call directly", async () => {
    const gw = await networkHelpers.loadFixture(fixture);
    const before = await governedState(gw);
    for (const signer of [gw.deployer, gw.proposer, gw.executor]) {
      const trader = gw.trader.connect(signer);
      for (const call of [
        () => trader.setPolicy({ ...TEST_POLICY, maxPosition: 1n }),
        () => trader.setRiskLimits(TEST_LIMITS),
        () => trader.setAgentAuthorization(gw.agent.address, true),
        () => trader.unpause(),
        () => trader.setGuardian(signer.address),
        () => trader.transferOwnership(signer.address),
      ])
        await expect(call()).to.be.revertedWithCustomError(gw.trader, "OwnableUnauthorizedAccount");
      await expect(gw.registry.connect(signer).register(TEST_MODEL_HASH, "m", "1", "u")).to.be.revertedWithCustomError(
        gw.registry,
        "AccessControlUnauthorizedAccount",
      );
      await expect(gw.timelock.connect(signer).updateDelay(0n))
        .to.be.revertedWithCustomError(gw.timelock, "TimelockUnauthorizedCaller")
        .withArgs(signer.address);
    }
    expect(await governedState(gw)).to.deep.equal(before);
  });

  it("refuses a schedule shorter than the delay, one by a non-proposer, and an execution by a non-executor", async () => {
    const gw = await networkHelpers.loadFixture(fixture);
    const call = await traderCall(gw, "setPolicy", [{ ...TEST_POLICY, maxPosition: 1n }]);
    await expect(schedule(gw, [call], TEST_DELAY - 1n))
      .to.be.revertedWithCustomError(gw.timelock, "TimelockInsufficientDelay")
      .withArgs(TEST_DELAY - 1n, TEST_DELAY);
    for (const signer of [gw.deployer, gw.executor, gw.guardian, gw.stranger]) {
      await expect(
        gw.timelock
          .connect(signer)
          .schedule(call.target, 0n, call.data, `0x${"0".repeat(64)}`, `0x${"0".repeat(64)}`, TEST_DELAY),
      )
        .to.be.revertedWithCustomError(gw.timelock, "AccessControlUnauthorizedAccount")
        .withArgs(signer.address, PROPOSER_ROLE);
    }
    const op = await schedule(gw, [call]);
    await networkHelpers.time.increaseTo(op.readyAt);
    for (const signer of [gw.deployer, gw.proposer, gw.stranger])
      await expect(op.execute(signer))
        .to.be.revertedWithCustomError(gw.timelock, "AccessControlUnauthorizedAccount")
        .withArgs(signer.address, EXECUTOR_ROLE);
    expect((await gw.trader.policy()).maxPosition).to.equal(TEST_POLICY.maxPosition);
  });

  it("lets a proposer cancel a scheduled change, which then never executes", async () => {
    const gw = await networkHelpers.loadFixture(fixture);
    const op = await schedule(gw, [await traderCall(gw, "setPolicy", [{ ...TEST_POLICY, maxPosition: 1n }])]);
    await expect(gw.timelock.connect(gw.stranger).cancel(op.id)).to.be.revertedWithCustomError(
      gw.timelock,
      "AccessControlUnauthorizedAccount",
    );
    await expect(gw.timelock.connect(gw.proposer).cancel(op.id)).to.emit(gw.timelock, "Cancelled").withArgs(op.id);
    await networkHelpers.time.increaseTo(op.readyAt);
    await expect(op.execute()).to.be.revertedWithCustomError(gw.timelock, "TimelockUnexpectedOperationState");
    expect((await gw.trader.policy()).maxPosition).to.equal(TEST_POLICY.maxPosition);
  });

  describe("the guardian: stopping is immediate, loosening is not", () => {
    it("pauses at once, with no timelock operation", async () => {
      const gw = await networkHelpers.loadFixture(fixture);
      await expect(gw.trader.connect(gw.guardian).pause()).to.emit(gw.trader, "Paused").withArgs(gw.guardian.address);
      expect(await gw.trader.paused()).to.equal(true);
    });

    it("cannot unpause, nor change the policy, the limits, authorisations, funds, the guardian or the owner", async () => {
      const gw = await networkHelpers.loadFixture(fixture);
      await fundThroughTimelock(gw, parseEther("1"));
      await gw.trader.connect(gw.guardian).pause();
      const before = await governedState(gw);
      const trader = gw.trader.connect(gw.guardian);
      for (const call of [
        () => trader.unpause(),
        () => trader.setPolicy({ ...TEST_POLICY, maxPosition: parseEther("100") }),
        () => trader.setRiskLimits({ ...TEST_LIMITS, maxVaultPosition: parseEther("1000") }),
        () => trader.setAgentAuthorization(gw.guardian.address, true),
        () => trader.withdraw(gw.world.weth.getAddress(), 1n, gw.guardian.address),
        () => trader.setGuardian(gw.stranger.address),
        () => trader.transferOwnership(gw.guardian.address),
      ])
        await expect(call()).to.be.revertedWithCustomError(gw.trader, "OwnableUnauthorizedAccount");
      expect(await governedState(gw)).to.deep.equal(before);
    });

    it("is the only account besides the owner that may pause (NotOwnerOrGuardian)", async () => {
      const gw = await networkHelpers.loadFixture(fixture);
      for (const signer of [gw.stranger, gw.proposer, gw.executor, gw.deployer])
        await expect(gw.trader.connect(signer).pause())
          .to.be.revertedWithCustomError(gw.trader, "NotOwnerOrGuardian")
          .withArgs(signer.address);
      expect(await gw.trader.paused()).to.equal(false);
    });

    it("loses the power to pause once a time-locked change replaces it", async () => {
      const gw = await networkHelpers.loadFixture(fixture);
      const op = await schedule(gw, [await traderCall(gw, "setGuardian", [ZeroAddress])]);
      await networkHelpers.time.increaseTo(op.readyAt);
      await expect(op.execute()).to.emit(gw.trader, "GuardianSet").withArgs(gw.guardian.address, ZeroAddress);
      await expect(gw.trader.connect(gw.guardian).pause()).to.be.revertedWithCustomError(
        gw.trader,
        "NotOwnerOrGuardian",
      );
    });
  });

  it("measures the timelock's gas: schedule and execute, one call and a batch of two", async () => {
    const gw = await networkHelpers.loadFixture(fixture);
    const single = await schedule(gw, [await traderCall(gw, "setPolicy", [{ ...TEST_POLICY, maxPosition: 1n }])]);
    await networkHelpers.time.increaseTo(single.readyAt);
    const singleExecuted = (await (await single.execute()).wait())!;
    const batch = await schedule(gw, [
      await registryCall(gw, "register", [TEST_MODEL_HASH, "zkagent decision model", "1", "packages/agent/models"]),
      await registryCall(gw, "approve", [TEST_MODEL_HASH]),
    ]);
    await networkHelpers.time.increaseTo(batch.readyAt);
    const batchExecuted = (await (await batch.execute()).wait())!;
    const gas = {
      "scheduleBatch(setPolicy)": single.scheduleReceipt.gasUsed,
      "executeBatch(setPolicy)": singleExecuted.gasUsed,
      "scheduleBatch(register, approve)": batch.scheduleReceipt.gasUsed,
      "executeBatch(register, approve)": batchExecuted.gasUsed,
    };
    console.log(
      `      timelock gas: ${JSON.stringify(Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])))}`,
    );
    // Overhead over the call itself: bounded, so a regression shows.
    for (const used of Object.values(gas)) expect(used).to.be.lessThan(250_000n);
  });

  it("keeps the vault usable: a USDC deposit through the timelock lands", async () => {
    const gw = await networkHelpers.loadFixture(fixture);
    const amount = parseUnits("1000", 6);
    await gw.world.usdc.mint(await gw.timelock.getAddress(), amount);
    const op = await schedule(gw, [
      {
        target: await gw.world.usdc.getAddress(),
        data: gw.world.usdc.interface.encodeFunctionData("approve", [await gw.trader.getAddress(), amount]),
      },
      await traderCall(gw, "deposit", [await gw.world.usdc.getAddress(), amount]),
    ]);
    await networkHelpers.time.increaseTo(op.readyAt);
    await expect(op.execute()).to.emit(gw.trader, "Deposited");
    expect(await gw.world.usdc.balanceOf(await gw.trader.getAddress())).to.equal(amount);
  });
});
