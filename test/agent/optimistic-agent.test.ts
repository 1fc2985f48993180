import { expect } from "chai";
import { network } from "hardhat";

import { runAgent, watchClaims, type Agent, type CycleReport, type JournalRecord } from "@zkagent/agent";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { ZeroAddress, parseUnits } from "ethers";

import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { deployProvenWorld } from "../helpers/models.ts";
import { AGENT_BOND, LANE, addOptimisticLane } from "../helpers/optimistic-world.ts";
import { TEST_POLICY } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();

/** The proven model's world (it BUYs half the cap on the first round) with a lane, the agent bonded for 500 USDC. */
async function optimisticProvenWorld() {
  const { tw, model } = await deployProvenWorld(ethers, networkHelpers);
  return { ow: await addOptimisticLane(ethers, tw), model };
}

async function provenWorldWithoutLane() {
  return deployProvenWorld(ethers, networkHelpers);
}

type World = Awaited<ReturnType<typeof optimisticProvenWorld>>;

async function startOptimisticAgent({ ow, model }: World, dataDir: string) {
  return startTestAgent(ethers, ow, dataDir, { mode: "model", decisionModel: model, path: "optimistic" });
}

/** A ClaimOpened log's claim as a plain object (ethers' Result is frozen; the lane's calls need a copy). */
const plainClaim = (c: {
  trader: string;
  agent: string;
  nonce: bigint;
  signalsHash: string;
  verifier: string;
  worstLoss: bigint;
  challengeDeadline: bigint;
}) => ({
  trader: c.trader,
  agent: c.agent,
  nonce: c.nonce,
  signalsHash: c.signalsHash,
  verifier: c.verifier,
  worstLoss: c.worstLoss,
  challengeDeadline: c.challengeDeadline,
});

const kinds = (records: JournalRecord[]) => records.map((r) => r.kind);

describe("the agent on the optimistic path", function () {
  this.timeout(300_000);

  it("proves the trade, keeps the proof, sends executeOptimistic and records its claim", async () => {
    const world = await networkHelpers.loadFixture(optimisticProvenWorld);
    const { ow } = world;
    const { dataDir } = await prepareAgentData(ow);
    const { agent } = await startOptimisticAgent(world, dataDir);
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.outcome).to.equal("executed");
      expect(report.action).to.equal("BUY");
      const [opened] = await ow.lane.queryFilter(ow.lane.filters.ClaimOpened());
      expect(report.claimId).to.equal(opened!.args.claimId);
      // no proof in the calldata: executeOptimistic with the signals only
      const tx = await ethers.provider.getTransaction(opened!.transactionHash);
      expect(ow.trader.interface.parseTransaction({ data: tx!.data })!.name).to.equal("executeOptimistic");
      expect(kinds(agent.journal.records())).to.deep.equal([
        "bond", // the lane's account as the agent found it at start
        "cycle",
        "proved",
        "signed",
        "confirmed",
        "claim-opened",
      ]);
      const [claim] = agent.journal.claims();
      expect(claim).to.include({ state: "open", claimId: opened!.args.claimId, traderNonce: "0" });
      expect(claim!.claim.worstLoss).to.equal(opened!.args.claim.worstLoss.toString());
      expect(claim!.proof.a).to.have.length(2);
      const bond = await ow.lane.bondOf(await ow.trader.getAddress(), ow.agent.address);
      expect(bond.locked).to.equal(opened!.args.claim.worstLoss);
      expect(bond.pending).to.equal(1n);
    } finally {
      await agent.close();
    }
  });

  it("answers a challenge from the run loop with the kept proof, without a new round, and wins the challenge bond", async () => {
    const world = await networkHelpers.loadFixture(optimisticProvenWorld);
    const { ow } = world;
    const { dataDir } = await prepareAgentData(ow);
    const { agent, log } = await startOptimisticAgent(world, dataDir);
    const lane = await ow.lane.getAddress();
    const usdcBefore = await ow.world.usdc.balanceOf(ow.agent.address);
    let stop = false;
    let challenged: Promise<unknown> | undefined;
    try {
      const run = runAgent(agent, {
        intervalMs: 20,
        shouldStop: () => stop,
        log,
        // the challenger bot sees the claim right after the trade (a proven model's claim is
        // "unverifiable" from public data: this challenger takes the risk, and loses its bond)
        onTick: () => {
          challenged ??= watchClaims({
            provider: ethers.provider,
            lane,
            signer: ow.challenger,
            fromBlock: 0,
            challengeUnverifiable: true,
          });
        },
      });
      const deadline = Date.now() + 60_000;
      let claimId: string | undefined;
      for (;;) {
        await new Promise((r) => setTimeout(r, 50));
        const [opened] = await ow.lane.queryFilter(ow.lane.filters.ClaimOpened());
        claimId = opened?.args.claimId;
        if (claimId && (await ow.lane.claimState(claimId))[0] === 3n) break;
        if (Date.now() > deadline) throw new Error("the agent never answered");
      }
      stop = true;
      const summary = await run;
      expect(summary.ticks).to.equal(1); // one round: the answer came from a poll, not a tick
      const report = (await challenged) as Awaited<ReturnType<typeof watchClaims>>;
      expect(report.claims[0]!.action).to.equal("challenged");
      const [proven] = await ow.lane.queryFilter(ow.lane.filters.ClaimProven(claimId));
      expect(proven!.args.challenger).to.equal(ow.challenger.address);
      // the agent paid nothing to the lane and won the challenger's bond
      expect((await ow.world.usdc.balanceOf(ow.agent.address)) - usdcBefore).to.equal(LANE.challengeBond);
      const steps = agent.journal.records().filter((r) => r.kind.startsWith("claim-"));
      expect(kinds(steps)).to.deep.equal(["claim-opened", "claim-challenged", "claim-settled"]);
      expect(steps[2]).to.include({
        how: "proven",
        settledBy: proven!.transactionHash,
        challengeBondWon: LANE.challengeBond.toString(),
      });
      expect(agent.journal.claims()).to.deep.equal([]);
      const bond = await ow.lane.bondOf(await ow.trader.getAddress(), ow.agent.address);
      expect([bond.total, bond.locked, bond.pending]).to.deep.equal([AGENT_BOND, 0n, 0n]);
    } finally {
      stop = true;
      await agent.close();
    }
  });

  it("finalises an unchallenged claim after its window (39k gas, no proof posted)", async () => {
    const world = await networkHelpers.loadFixture(optimisticProvenWorld);
    const { ow } = world;
    const { dataDir } = await prepareAgentData(ow);
    const { agent } = await startOptimisticAgent(world, dataDir);
    try {
      await agent.tick(0);
      expect((await agent.tendClaims())!.finalized).to.equal(0); // the window is still open
      await networkHelpers.time.increase(LANE.challengeWindow + 1n);
      expect(await agent.tendClaims()).to.include({ finalized: 1, failed: 0 });
      expect(agent.journal.claims(["finalized"])).to.have.length(1);
      const [finalized] = await ow.lane.queryFilter(ow.lane.filters.ClaimFinalized());
      expect(finalized).to.not.equal(undefined);
    } finally {
      await agent.close();
    }
  });

  it("finalises every claim due in one transaction (finalizeMany), each journaled settled by it", async () => {
    const world = await networkHelpers.loadFixture(optimisticProvenWorld);
    const { ow } = world;
    const { dataDir } = await prepareAgentData(ow);
    const { agent } = await startOptimisticAgent(world, dataDir);
    try {
      const first = (await agent.tick(0)) as CycleReport;
      // a second round at the same price: the proven model trades again
      const [, answer] = await ow.world.priceFeed.latestRoundData();
      await pushPrice(ow.world.priceFeed, answer);
      await movePoolToPrice(ow.world, ow.stranger, answer);
      const second = (await agent.tick(1)) as CycleReport;
      expect([first.outcome, second.outcome]).to.deep.equal(["executed", "executed"]);
      expect(agent.journal.claims()).to.have.length(2);
      await networkHelpers.time.increase(LANE.challengeWindow + 1n);
      expect(await agent.tendClaims()).to.include({ finalized: 2, failed: 0 });
      const finalized = await ow.lane.queryFilter(ow.lane.filters.ClaimFinalized());
      expect(finalized).to.have.length(2);
      expect(finalized[0]!.transactionHash).to.equal(finalized[1]!.transactionHash);
      const settled = agent.journal.records().filter((r) => r.kind === "claim-settled");
      expect(settled.map((r) => (r as { settledBy?: string }).settledBy)).to.deep.equal([
        finalized[0]!.transactionHash,
        finalized[0]!.transactionHash,
      ]);
      expect(agent.journal.claims()).to.deep.equal([]);
    } finally {
      await agent.close();
    }
  });

  it("holds, journaling why, when its free bond cannot cover the claim: nothing proven or sent; trades once bonded", async () => {
    const world = await networkHelpers.loadFixture(optimisticProvenWorld);
    const { ow } = world;
    const trader = await ow.trader.getAddress();
    // leave 60 USDC: less than the 1 ETH BUY's ~29.4 USDC worst loss + the 50 USDC slash reserve
    await ow.lane.connect(ow.agent).withdrawBond(trader, AGENT_BOND - parseUnits("60", 6), ow.agent.address);
    const { dataDir } = await prepareAgentData(ow);
    const { agent } = await startOptimisticAgent(world, dataDir);
    try {
      const accountNonce = await ethers.provider.getTransactionCount(ow.agent.address);
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.bondHold).to.match(/free bond 60 USDC .* short of the claim's 79\.\d+ USDC .*zkagent bond deposit/);
      expect(report.outcome).to.equal(undefined);
      expect(await ethers.provider.getTransactionCount(ow.agent.address)).to.equal(accountNonce);
      const records = agent.journal.records();
      expect(kinds(records)).to.not.include("proved");
      const hold = records.find((r) => r.kind === "bond-hold");
      expect(hold).to.include({ traderNonce: "0", action: "BUY", size: (TEST_POLICY.maxPosition / 2n).toString() });
      expect(hold).to.include({ free: parseUnits("60", 6).toString(), pending: 0 });

      await ow.lane.connect(ow.agent).depositBond(trader, parseUnits("100", 6));
      const second = (await agent.tick(1)) as CycleReport;
      expect(second.outcome).to.equal("executed");
      expect(second.claimId).to.be.a("string");
    } finally {
      await agent.close();
    }
  });

  it("settles its open claim early with the kept proof when that alone makes room for the next trade", async function () {
    const world = await networkHelpers.loadFixture(optimisticProvenWorld);
    const { ow } = world;
    const trader = await ow.trader.getAddress();
    const { dataDir } = await prepareAgentData(ow);
    const { agent } = await startOptimisticAgent(world, dataDir);
    try {
      const first = (await agent.tick(0)) as CycleReport;
      expect(first.outcome).to.equal("executed");
      // keep 1 unit of free bond: no second claim fits unless the first one's lock is released
      const free = await ow.lane.withdrawableBond(trader, ow.agent.address);
      await ow.lane.connect(ow.agent).withdrawBond(trader, free - 1n, ow.agent.address);
      // a new round below the band again: the model buys the rest of the cap
      const price = ((await ow.world.priceFeed.latestRoundData())[1] * 99n) / 100n;
      await pushPrice(ow.world.priceFeed, price);
      await movePoolToPrice(ow.world, ow.stranger, price);
      const second = (await agent.tick(1)) as CycleReport;
      if (second.action !== "BUY") this.skip(); // the model's decision, not the path's
      expect(second.outcome).to.equal("executed");
      const steps = agent.journal.records().filter((r) => r.kind.startsWith("claim-"));
      expect(kinds(steps)).to.deep.equal(["claim-opened", "claim-settled", "claim-opened"]);
      expect(steps[1]).to.include({ how: "proven", traderNonce: "0" });
      const [proven] = await ow.lane.queryFilter(ow.lane.filters.ClaimProven());
      expect(proven!.args.challenger).to.equal(ZeroAddress);
    } finally {
      await agent.close();
    }
  });

  describe("the journal covers claims across crashes", () => {
    type CrashPoint =
      | "after proving"
      | "after signing, before broadcast"
      | "after broadcast, before the receipt"
      | "after the receipt, before the claim is recorded";
    const crashes: [CrashPoint, (agent: Agent) => void][] = [
      [
        "after proving",
        (agent) => {
          agent.client.sendOptimistic = async () => {
            throw new Error("crash: killed after proving");
          };
        },
      ],
      [
        "after signing, before broadcast",
        (agent) => {
          agent.client.submit = async () => {
            throw new Error("crash: killed before broadcast");
          };
        },
      ],
      [
        "after broadcast, before the receipt",
        (agent) => {
          agent.client.confirm = async () => {
            throw new Error("crash: killed before the receipt");
          };
        },
      ],
      [
        "after the receipt, before the claim is recorded",
        (agent) => {
          agent.claims!.recordOpened = async () => {
            throw new Error("crash: killed before the claim record");
          };
        },
      ],
    ];

    for (const [point, inject] of crashes) {
      it(`recovers from a crash ${point}: one trade, its claim recorded from the chain with its proof`, async () => {
        const world = await networkHelpers.loadFixture(optimisticProvenWorld);
        const { ow } = world;
        const { dataDir } = await prepareAgentData(ow);
        const first = await startOptimisticAgent(world, dataDir);
        inject(first.agent);
        const crashed = await first.agent.tick(0).then(
          () => null,
          (e: Error) => e,
        );
        expect(crashed?.message).to.match(/^crash:/);
        await first.agent.close();

        const second = await startOptimisticAgent(world, dataDir);
        try {
          if ((await ow.trader.nonceOf(ow.agent.address)) === 0n) {
            expect(((await second.agent.tick(0)) as CycleReport).outcome).to.equal("executed");
          }
          const opened = await ow.lane.queryFilter(ow.lane.filters.ClaimOpened());
          expect(opened).to.have.length(1);
          const claims = second.agent.journal.claims();
          expect(claims.map((c) => [c.claimId, c.state, c.txHash])).to.deep.equal([
            [opened[0]!.args.claimId, "open", opened[0]!.transactionHash],
          ]);
          // the kept proof answers the claim: the lane accepts it
          await ow.lane.connect(ow.challenger).challenge(plainClaim(opened[0]!.args.claim));
          expect(await second.agent.tendClaims()).to.include({ answered: 1, failed: 0 });
          expect((await ow.lane.claimState(opened[0]!.args.claimId))[0]).to.equal(3n);
        } finally {
          await second.agent.close();
        }
      });
    }

    it("recovers from a crash after answering a challenge, before the answer is recorded", async () => {
      const world = await networkHelpers.loadFixture(optimisticProvenWorld);
      const { ow } = world;
      const { dataDir } = await prepareAgentData(ow);
      const first = await startOptimisticAgent(world, dataDir);
      await first.agent.tick(0);
      const [opened] = await ow.lane.queryFilter(ow.lane.filters.ClaimOpened());
      await ow.lane.connect(ow.challenger).challenge(plainClaim(opened!.args.claim));
      const lane = first.agent.claims!.lane;
      const prove = lane.prove.bind(lane);
      lane.prove = async (...args) => {
        await prove(...args);
        throw new Error("crash: killed after the answer was mined");
      };
      expect(await first.agent.tendClaims()).to.include({ answered: 0, failed: 1 });
      await first.agent.close();

      const second = await startOptimisticAgent(world, dataDir); // recovery tends the claims
      try {
        const steps = second.agent.journal.records().filter((r) => r.kind.startsWith("claim-"));
        expect(kinds(steps)).to.deep.equal(["claim-opened", "claim-challenged", "claim-settled"]);
        expect(steps[2]).to.include({ how: "proven", challengeBondWon: LANE.challengeBond.toString() });
        const proven = await ow.lane.queryFilter(ow.lane.filters.ClaimProven());
        expect(proven).to.have.length(1); // answered once
      } finally {
        await second.agent.close();
      }
    });
  });

  it("refuses to start on the optimistic path where the vault has no lane", async () => {
    const { tw, model } = await networkHelpers.loadFixture(provenWorldWithoutLane);
    const { dataDir } = await prepareAgentData(tw);
    const error = await startTestAgent(ethers, tw, dataDir, {
      mode: "model",
      decisionModel: model,
      path: "optimistic",
    }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.name).to.equal("PreflightError");
    expect(error?.message).to.match(/has no optimistic lane: .*setOptimisticLane/);
  });
});
