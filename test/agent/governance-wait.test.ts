/**
 * The agent under time-locked governance: it reads its vault timelock's scheduled changes and
 * never proves a trade that a change affecting it could overtake (GovernanceWatch.gate): it caps
 * the trade's deadline before the change's ready time, or waits, journaling why.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { governanceStatus, type CycleReport } from "@zkagent/agent";
import { TimelockController__factory, type TimelockController } from "@zkagent/contracts/typechain";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { ZeroHash, hexlify, randomBytes } from "ethers";

import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { readWindow } from "../helpers/market.ts";
import { seedFor as findSeed } from "../helpers/seed-for.ts";
import {
  PRICE_3000,
  TEST_LIMITS,
  TEST_POLICY,
  deployTraderWorld,
  type TraderWorld,
} from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;
const DELAY = 600n;

/** The agent test world, its trader handed to a TimelockController (Ownable2Step: accepted through the timelock). */
async function fixture() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  const timelock = await (
    await new TimelockController__factory(tw.owner).deploy(
      DELAY,
      [tw.owner.address],
      [tw.owner.address],
      ethers.ZeroAddress,
    )
  ).waitForDeployment();
  await tw.trader.transferOwnership(await timelock.getAddress());
  const accept = await scheduleCall(
    timelock,
    await tw.trader.getAddress(),
    tw.trader.interface.encodeFunctionData("acceptOwnership"),
  );
  await networkHelpers.time.increaseTo(accept.readyAt);
  await accept.execute();
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  return { tw, timelock };
}

async function scheduleCall(timelock: TimelockController, target: string, data: string) {
  const salt = hexlify(randomBytes(32));
  await (await timelock.schedule(target, 0n, data, ZeroHash, salt, DELAY)).wait();
  const id = await timelock.hashOperation(target, 0n, data, ZeroHash, salt);
  return {
    id,
    readyAt: await timelock.getTimestamp(id),
    execute: async () => (await timelock.execute(target, 0n, data, ZeroHash, salt)).wait(),
  };
}

async function buySeed(tw: TraderWorld, modelPath: string, atTick = 0) {
  const { prices } = await readWindow(tw.world.priceFeed);
  // Tick n samples with the agent's seed + n: find a seed ≥ atTick whose sample BUYs, and return
  // the base seed that gives it at tick `atTick`.
  let seed = -1;
  const found = await findSeed(
    modelPath,
    { prices, position: 0n, maxPosition: TEST_POLICY.maxPosition, thresholdBps: TEST_POLICY.thresholdBps },
    (action, pct) => ++seed >= atTick && action === "BUY" && pct > 0 && pct <= 100,
  );
  return found - atTick;
}

/** The deadline the agent's executeTrade carried. */
async function sentDeadline(tw: TraderWorld, txHash: string): Promise<bigint> {
  const tx = await ethers.provider.getTransaction(txHash);
  return tw.trader.interface.parseTransaction(tx!)!.args[2] as bigint;
}

const limitsChange = (tw: TraderWorld) => tw.trader.interface.encodeFunctionData("setRiskLimits", [TEST_LIMITS]);

describe("the agent under time-locked governance", function () {
  this.timeout(300_000);

  it("trades as usual when the scheduled change can only take effect after its deadline", async () => {
    const { tw, timelock } = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const op = await scheduleCall(timelock, await tw.trader.getAddress(), limitsChange(tw));
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      temperature: 1,
      seed: await buySeed(tw, modelPath),
      deadlineSeconds: 300,
    });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.outcome).to.equal("executed");
      expect(await sentDeadline(tw, report.txHash!)).to.be.lessThan(op.readyAt);
    } finally {
      await agent.close();
    }
  });

  it("caps the trade's deadline one second before a change that could otherwise overtake it", async () => {
    const { tw, timelock } = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const op = await scheduleCall(timelock, await tw.trader.getAddress(), limitsChange(tw));
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      temperature: 1,
      seed: await buySeed(tw, modelPath),
      deadlineSeconds: 3_600,
    });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.outcome).to.equal("executed");
      expect(await sentDeadline(tw, report.txHash!)).to.equal(op.readyAt - 1n);
    } finally {
      await agent.close();
    }
  });

  it("waits, proving and sending nothing, while a change that affects it could land first; journals why; shows it in status; trades once it is executed", async () => {
    const { tw, timelock } = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const op = await scheduleCall(timelock, await tw.trader.getAddress(), limitsChange(tw));
    await networkHelpers.time.increaseTo(op.readyAt - 20n); // 20 s left: less than the 30 s a trade needs
    const accountNonce = await ethers.provider.getTransactionCount(tw.agent.address);
    // It waits at ticks 0 and 1 and trades at tick 2.
    const { agent } = await startTestAgent(ethers, tw, dataDir, {
      temperature: 1,
      seed: await buySeed(tw, modelPath, 2),
    });
    try {
      const waited = await agent.tick(0);
      expect(waited)
        .to.have.property("skipped")
        .that.match(/^governance: a scheduled change could take effect/);
      expect(await ethers.provider.getTransactionCount(tw.agent.address)).to.equal(accountNonce);
      const [record] = agent.journal.records();
      expect(record).to.include({ kind: "governance-wait", tick: 0 });
      expect((record as { changes: { id: string; calls: string[] }[] }).changes).to.deep.equal([
        {
          id: op.id,
          readyAt: new Date(Number(op.readyAt) * 1000).toISOString(),
          calls: [(record as { changes: { calls: string[] }[] }).changes[0]!.calls[0]!],
        },
      ]);
      expect((record as { changes: { calls: string[] }[] }).changes[0]!.calls[0]).to.match(
        /^trader\.setRiskLimits\(limits_: \{maxVaultPosition: /,
      );
      expect(agent.journal.governanceWaits().ticks).to.equal(1);

      // What `zkagent status` prints: the change, when it takes effect, that it affects this agent.
      const status = governanceStatus(await agent.governance.view());
      expect(status.timelock).to.deep.include({ address: await timelock.getAddress(), minDelaySeconds: DELAY });
      expect(status.scheduledChanges).to.have.length(1);
      expect(
        (status.scheduledChanges as { id: string; affectsThisAgent: boolean; takesEffectFrom: string }[])[0],
      ).to.include({
        id: op.id,
        affectsThisAgent: true,
        takesEffectFrom: new Date(Number(op.readyAt) * 1000).toISOString(),
      });

      // Ready but not executed yet: still waiting (it could land in any block).
      await networkHelpers.time.increaseTo(op.readyAt);
      expect(await agent.tick(1)).to.have.property("skipped");
      await op.execute();
      const report = (await agent.tick(2)) as CycleReport;
      expect(report.outcome).to.equal("executed");
      expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(1n);
    } finally {
      await agent.close();
    }
  });

  it("does not wait for a change that cannot touch its trades (another agent's authorisation)", async () => {
    const { tw, timelock } = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const op = await scheduleCall(
      timelock,
      await tw.trader.getAddress(),
      tw.trader.interface.encodeFunctionData("setAgentAuthorization", [tw.stranger.address, true]),
    );
    await networkHelpers.time.increaseTo(op.readyAt - 20n);
    const { agent } = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed: await buySeed(tw, modelPath) });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.outcome).to.equal("executed");
      const status = governanceStatus(await agent.governance.view());
      expect((status.scheduledChanges as { affectsThisAgent: boolean }[])[0]!.affectsThisAgent).to.equal(false);
    } finally {
      await agent.close();
    }
  });
});
