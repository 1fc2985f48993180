import { expect } from "chai";
import { network } from "hardhat";

import { parseConfig, type Agent, type CycleReport, type JournalRecord } from "@zkagent/agent";
import { terminateSnarkjs } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { FOLLOWER_CAPS, deployHubWorld, type HubWorld } from "../helpers/hub-world.ts";
import { readWindow } from "../helpers/market.ts";
import { anySell, compliantBuy, seedFor as findSeed } from "../helpers/seed-for.ts";
import { PRICE_3000, TEST_POLICY } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;

/**
 * The hub world with the real one-market signal verifier (generated from the signal circuit's
 * ceremony), the market 2 % under its average (the band allows a BUY), and the agent's own vault
 * subscribed to the agent beside the three followers.
 */
async function fixture(): Promise<HubWorld> {
  const hw = await deployHubWorld(ethers, networkHelpers);
  const verifier = await (await (await ethers.getContractFactory("SignalVerifier1")).deploy()).waitForDeployment();
  await hw.hub.setVerifier(1n, await verifier.getAddress());
  await hw.trader.subscribe(await hw.hub.getAddress(), hw.agent.address);
  await pushPrice(hw.world.priceFeed, BELOW);
  await movePoolToPrice(hw.world, hw.stranger, BELOW);
  return hw;
}

/** The seed for which the stand-in proposes what `wanted` accepts in the trader's market (the hub path's prompt). */
async function seedFor(hw: HubWorld, modelPath: string, wanted: (action: string, sizePct: number) => boolean) {
  const { prices } = await readWindow(hw.world.priceFeed);
  return findSeed(
    modelPath,
    {
      prices,
      position: 0n,
      maxPosition: TEST_POLICY.maxPosition,
      thresholdBps: TEST_POLICY.thresholdBps,
      sizing: "cap", // the hub's signals are fractions of each follower's cap
    },
    wanted,
  );
}

async function startHubAgent(
  hw: HubWorld,
  dataDir: string,
  seed: number,
  followOwnVault = true,
  keeper?: { batcher: string; vaults: string[] },
) {
  return startTestAgent(ethers, hw, dataDir, {
    path: "hub",
    hub: { address: await hw.hub.getAddress(), followOwnVault, ...(keeper ? { keeper } : {}) },
    temperature: 1,
    seed,
  });
}

const kinds = (records: JournalRecord[]) => records.map((r) => r.kind);
const verifiedLogs = (hw: HubWorld) => hw.hub.queryFilter(hw.hub.filters.SignalVerified());

describe("the agent on the hub path (real tiny GGUF, real signal proofs, real SignalVerifier1)", function () {
  this.timeout(600_000);
  after(terminateSnarkjs);

  it("publishes one real proof that its own vault and three follower vaults execute, each against its own cap", async () => {
    const hw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath, modelHash } = await prepareAgentData(hw);
    const seed = await seedFor(hw, modelPath, (action, pct) => compliantBuy(action, pct) && pct <= 50);
    const { agent } = await startHubAgent(hw, dataDir, seed);
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.verdict).to.equal("compliant");
      expect(report.outcome).to.equal("executed");
      expect(report.timingsMs.prove).to.be.a("number");
      const [verified] = await verifiedLogs(hw);
      expect(verified!.transactionHash).to.equal(report.hub!.publicationTx);
      expect(verified!.args.key).to.equal(report.hub!.markets[0]!.key);
      expect(verified!.args.modelHash).to.equal(modelHash);
      const sizeBps = verified!.args.sizeBps;
      expect(sizeBps).to.equal(BigInt(report.signal!.sizePct) * 100n);
      expect(await hw.hub.nonceOf(hw.agent.address)).to.equal(1n);
      // the agent's own vault followed in the same tick: the verified path's size, no executeTrade
      expect(report.hub!.follow).to.include({ status: "executed" });
      expect(await hw.trader.positionOf(hw.agent.address)).to.equal((TEST_POLICY.maxPosition * sizeBps) / 10_000n);
      expect(await hw.trader.nonceOf(hw.agent.address)).to.equal(0n);
      expect(kinds(agent.journal.records())).to.deep.equal(["cycle", "proved", "signed", "confirmed", "hub-follow"]);
      expect(agent.journal.publications()).to.have.length(1);
      expect(agent.journal.publications()[0]).to.include({ state: "executed", txHash: report.hub!.publicationTx });

      // anyone (a keeper) executes it for the followers: no second proof
      const { roundId, pricesCommitment } = verified!.args;
      for (const [i, vault] of hw.followers.entries()) {
        await movePoolToPrice(hw.world, hw.stranger, BELOW); // an arbitrageur brings the pool back to the oracle
        const receipt = await (
          await vault.connect(hw.stranger).followSignal(roundId, pricesCommitment, modelHash)
        ).wait();
        expect(receipt!.status).to.equal(1);
        expect(await vault.positionOf(hw.agent.address)).to.equal((FOLLOWER_CAPS[i]! * sizeBps) / 10_000n);
      }
      const follows = await ethers.provider.getLogs({
        topics: [hw.trader.interface.getEvent("SignalFollowed").topicHash, verified!.args.key],
        fromBlock: 0,
      });
      expect(follows).to.have.length(4);
    } finally {
      await agent.close();
    }
  });

  it("keeps the followers: one FollowBatcher transaction executes the round's signal for every due vault, a refusing vault left out with its reason", async () => {
    const hw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(hw);
    const seed = await seedFor(hw, modelPath, (action, pct) => compliantBuy(action, pct) && pct <= 50);
    const batcher = await (await ethers.getContractFactory("FollowBatcher")).deploy();
    const [first, paused, third] = hw.followers as [
      (typeof hw.followers)[0],
      (typeof hw.followers)[0],
      (typeof hw.followers)[0],
    ];
    await paused.pause();
    const vaults = await Promise.all(hw.followers.map((v) => v.getAddress()));
    const { agent } = await startHubAgent(hw, dataDir, seed, true, { batcher: await batcher.getAddress(), vaults });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.outcome).to.equal("executed");
      const keeper = report.hub!.keeper!;
      expect(keeper.status).to.equal("executed");
      expect(keeper.followed).to.deep.equal([vaults[0], vaults[2]]);
      expect(keeper.skipped).to.deep.equal([{ vault: vaults[1], reason: "TradingPaused()" }]);
      const [verified] = await verifiedLogs(hw);
      const sizeBps = verified!.args.sizeBps;
      // one transaction, the batcher's, executed both follows, each against its vault's own cap
      const receipt = (await ethers.provider.getTransactionReceipt(keeper.txHash!))!;
      expect(receipt.to).to.equal(await batcher.getAddress());
      for (const [i, vault] of [first, third].entries()) {
        const cap = FOLLOWER_CAPS[i === 0 ? 0 : 2]!;
        expect(await vault.positionOf(hw.agent.address)).to.equal((cap * sizeBps) / 10_000n);
        expect(await vault.lastFollowedRound()).to.equal(verified!.args.roundId);
      }
      expect(await paused.positionOf(hw.agent.address)).to.equal(0n);
      expect(await paused.lastFollowedRound()).to.equal(0n);
      const journaled = agent.journal.records().filter((r) => r.kind === "hub-keeper");
      expect(journaled).to.have.length(1);
      expect(journaled[0]).to.include({
        status: "executed",
        txHash: keeper.txHash,
        roundId: verified!.args.roundId.toString(),
      });

      // The next tick on the same round finds the signal cached: nothing proven, nothing kept again.
      const again = (await agent.tick(1)) as CycleReport;
      expect(again.hub).to.include({ cached: true });
      expect(again.hub!.keeper).to.equal(undefined);
      expect(kinds(agent.journal.records())).to.deep.equal([
        ...["cycle", "proved", "signed", "confirmed", "hub-follow", "hub-keeper"],
        ...["cycle", "hub-cached"],
      ]);
    } finally {
      await agent.close();
    }
  });

  it("asks the hub first: a second run on the same round finds the signal cached and proves nothing", async () => {
    const hw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(hw);
    const seed = await seedFor(hw, modelPath, compliantBuy);
    const first = await startHubAgent(hw, dataDir, seed, false);
    try {
      expect(((await first.agent.tick(0)) as CycleReport).outcome).to.equal("executed");
    } finally {
      await first.agent.close();
    }
    // another run, with a fresh data directory: only the hub can tell it the signal exists
    const { dataDir: freshDir } = await prepareAgentData(hw);
    const accountNonce = await ethers.provider.getTransactionCount(hw.agent.address);
    const second = await startHubAgent(hw, freshDir, seed, false);
    try {
      const report = (await second.agent.tick(0)) as CycleReport;
      expect(report.verdict).to.equal("compliant");
      expect(report.hub!.cached).to.equal(true);
      expect(report.timingsMs.prove).to.equal(undefined);
      expect(await ethers.provider.getTransactionCount(hw.agent.address)).to.equal(accountNonce);
      expect(await verifiedLogs(hw)).to.have.length(1);
      expect(await hw.hub.nonceOf(hw.agent.address)).to.equal(1n);
      expect(kinds(second.agent.journal.records())).to.deep.equal(["cycle", "hub-cached"]);
      expect(second.agent.journal.records()[1]).to.deep.include({ keys: [report.hub!.markets[0]!.key] });
    } finally {
      await second.agent.close();
    }
  });

  it("refuses a signal the rules forbid before proving: nothing proven, nothing sent, the rule journaled", async () => {
    const hw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(hw);
    // a SELL 2 % under the average: the band allows only a BUY
    const seed = await seedFor(hw, modelPath, anySell);
    const accountNonce = await ethers.provider.getTransactionCount(hw.agent.address);
    const { agent } = await startHubAgent(hw, dataDir, seed);
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.verdict).to.equal("refused");
      expect(report.rule).to.equal("BAND");
      expect(report.timingsMs.prove).to.equal(undefined);
      expect(await ethers.provider.getTransactionCount(hw.agent.address)).to.equal(accountNonce);
      expect(await hw.hub.nonceOf(hw.agent.address)).to.equal(0n);
      expect(kinds(agent.journal.records())).to.deep.equal(["cycle"]);
      expect(agent.journal.records()[0]).to.include({ verdict: "refused", rule: "BAND" });
    } finally {
      await agent.close();
    }
  });

  describe("the journal covers publications across crashes", () => {
    const crashes: [string, (agent: Agent) => void][] = [
      [
        "after proving",
        (agent) => {
          agent.hub!.hub.publish = async () => {
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
        "after the receipt, before the publication is recorded",
        (agent) => {
          agent.hub!.recordPublished = () => {
            throw new Error("crash: killed before the record");
          };
        },
      ],
    ];

    for (const [point, inject] of crashes) {
      it(`recovers from a crash ${point}: published once, the journal settled from the chain`, async () => {
        const hw = await networkHelpers.loadFixture(fixture);
        const { dataDir, modelPath } = await prepareAgentData(hw);
        const seed = await seedFor(hw, modelPath, compliantBuy);
        const first = await startHubAgent(hw, dataDir, seed, false);
        inject(first.agent);
        const crashed = await first.agent.tick(0).then(
          () => null,
          (e: Error) => e,
        );
        expect(crashed?.message).to.match(/^crash:/);
        await first.agent.close();

        const second = await startHubAgent(hw, dataDir, seed, false); // recovery settles what it can
        try {
          if ((await hw.hub.nonceOf(hw.agent.address)) === 0n) {
            expect(((await second.agent.tick(0)) as CycleReport).outcome).to.equal("executed");
          } else {
            // published before the crash: the next tick on the same round finds it cached
            expect(((await second.agent.tick(1)) as CycleReport).hub!.cached).to.equal(true);
          }
          const verified = await verifiedLogs(hw);
          expect(verified).to.have.length(1);
          expect(await hw.hub.nonceOf(hw.agent.address)).to.equal(1n);
          const publications = second.agent.journal.publications();
          expect(publications.filter((p) => p.state === "executed").map((p) => p.txHash)).to.deep.equal([
            verified[0]!.transactionHash,
          ]);
          expect(second.agent.journal.openTrades()).to.deep.equal({ openProofs: [], openSends: [] });
        } finally {
          await second.agent.close();
        }
      });
    }
  });

  it("refuses the hub path outside mode llm, in the config and at start (the hub refuses proven models)", async () => {
    const base = {
      rpcUrl: "http://127.0.0.1:8545",
      chainId: 31337,
      traderAddress: "0x0000000000000000000000000000000000000001",
      path: "hub",
      hub: { address: "0x0000000000000000000000000000000000000002" },
    };
    expect(() => parseConfig({ ...base, mode: "model" })).to.throw(
      /mode: path "hub" publishes signals of the attested model/,
    );
    expect(() => parseConfig({ ...base, mode: "llm+model" })).to.throw(/ProvenModelNotSupported/);
    expect(() => parseConfig({ ...base, hub: undefined })).to.throw(/path "hub" needs hub.address/);
    expect(parseConfig(base)).to.deep.include({
      path: "hub",
      hub: { address: base.hub.address, followOwnVault: true },
    });

    const hw = await networkHelpers.loadFixture(fixture);
    const { dataDir } = await prepareAgentData(hw);
    const error = await startTestAgent(ethers, hw, dataDir, {
      mode: "model",
      path: "hub",
      hub: { address: await hw.hub.getAddress() },
    }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.name).to.equal("ConfigError");
    expect(error?.message).to.match(/path "hub" .* mode "llm"/);
  });
});
