import { expect } from "chai";
import { network } from "hardhat";

import type { Agent, CycleReport } from "@zkagent/agent";
import { hardhatWallet, movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { JsonRpcProvider } from "ethers";

import { readWindow } from "../helpers/market.ts";
import { seedFor as findSeed } from "../helpers/seed-for.ts";
import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { PRICE_3000, TEST_POLICY, deployTraderWorld, type TraderWorld } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;

async function fixture() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  return tw;
}

/** The seed for which the stand-in proposes what `wanted` accepts in the trader's current market. */
async function seedFor(tw: TraderWorld, modelPath: string, wanted: (action: string, sizePct: number) => boolean) {
  const { prices } = await readWindow(tw.world.priceFeed);
  const position = await tw.trader.positionOf(tw.agent.address);
  return findSeed(
    modelPath,
    { prices, position, maxPosition: TEST_POLICY.maxPosition, thresholdBps: TEST_POLICY.thresholdBps },
    wanted,
  );
}

const compliantBuy = (action: string, pct: number) => action === "BUY" && pct > 0 && pct <= 100;
const tradeEvents = async (tw: TraderWorld) => tw.trader.queryFilter(tw.trader.filters.TradeExecuted(tw.agent.address));

describe("the agent on the in-process chain (real tiny GGUF, real prover, real Uniswap V3)", function () {
  this.timeout(300_000);

  it("runs one cycle end to end: inference, pre-check, proof, executeTrade, journal", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    const seed = await seedFor(tw, modelPath, compliantBuy);
    const { agent } = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.verdict).to.equal("compliant");
      expect(report.outcome).to.equal("executed");
      expect(report.action).to.equal("BUY");
      expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(1n);
      expect(await tw.trader.positionOf(tw.agent.address)).to.equal(report.size);
      const kinds = agent.journal.records().map((r) => r.kind);
      expect(kinds).to.deep.equal(["cycle", "proved", "signed", "confirmed"]);
      for (const step of ["data", "inference", "precheck", "witness", "prove", "submit", "confirm"] as const) {
        expect(report.timingsMs[step], step).to.be.a("number");
      }
    } finally {
      await agent.close();
    }
  });

  it("refuses a signal the policy forbids: nothing proven, nothing sent, the rule journaled", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { dataDir, modelPath } = await prepareAgentData(tw);
    // A position first (a SELL of nothing is a HOLD: tradeOf sizes a SELL by the position).
    const { agent: buyer } = await startTestAgent(ethers, tw, dataDir, {
      temperature: 1,
      seed: await seedFor(tw, modelPath, compliantBuy),
    });
    try {
      expect(((await buyer.tick(0)) as CycleReport).outcome).to.equal("executed");
    } finally {
      await buyer.close();
    }
    // SELL below the band: the band rule refuses it.
    const seed = await seedFor(tw, modelPath, (action, pct) => action === "SELL" && pct > 0);
    const accountNonce = await ethers.provider.getTransactionCount(tw.agent.address);
    const { agent } = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed });
    try {
      const before = agent.journal.records().length;
      const report = (await agent.tick(1)) as CycleReport;
      expect(report.verdict).to.equal("refused");
      expect(report.rule).to.equal("BAND");
      expect(await ethers.provider.getTransactionCount(tw.agent.address)).to.equal(accountNonce);
      expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(1n);
      const added = agent.journal.records().slice(before);
      expect(added).to.have.length(1);
      expect(added[0]).to.include({ kind: "cycle", verdict: "refused", rule: "BAND" });
    } finally {
      await agent.close();
    }
  });

  describe("bad conditions get a readable error, and nothing is sent", () => {
    it("on the wrong chain id", async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      const { dataDir } = await prepareAgentData(tw);
      const error = await startTestAgent(ethers, tw, dataDir, { chainId: 42161n }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.name).to.equal("PreflightError");
      expect(error?.message).to.match(/^the node is chain 31337 but the config says 42161: check rpcUrl and chainId$/);
    });

    it("for an agent that is not authorised", async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      const { dataDir } = await prepareAgentData(tw);
      const error = await startTestAgent(ethers, tw, dataDir, { wallet: hardhatWallet(5, ethers.provider) }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.name).to.equal("PreflightError");
      expect(error?.message).to.match(/is not authorised on .*setAgentAuthorization/);
    });

    it("sends nothing when the vault cannot pay: the simulation's custom error is decoded and journaled", async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      const { dataDir, modelPath } = await prepareAgentData(tw);
      const seed = await seedFor(tw, modelPath, compliantBuy);
      const usdc = await tw.world.usdc.getAddress();
      await tw.trader.withdraw(usdc, await tw.world.usdc.balanceOf(await tw.trader.getAddress()), tw.owner.address);
      const accountNonce = await ethers.provider.getTransactionCount(tw.agent.address);
      const { agent } = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed });
      try {
        const report = (await agent.tick(0)) as CycleReport;
        expect(report.outcome).to.equal("reverted");
        expect(report.reason).to.match(/^InsufficientVaultBalance\(/);
        expect(await ethers.provider.getTransactionCount(tw.agent.address)).to.equal(accountNonce);
        expect(agent.journal.records().at(-1)).to.include({ kind: "abandoned" });
      } finally {
        await agent.close();
      }
    });

    it("when the RPC endpoint is down", async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      const { dataDir } = await prepareAgentData(tw);
      const down = new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
      const error = await startTestAgent(ethers, tw, dataDir, {
        wallet: hardhatWallet(1, down),
        retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      }).then(
        () => null,
        (e: Error) => e,
      );
      down.destroy();
      expect(error?.name).to.equal("RpcUnavailableError");
      expect(error?.message).to.match(/failed 2 times.*Check the node or the rpcUrl/);
    });
  });

  type CrashPoint = "after proving" | "after signing, before broadcast" | "after broadcast, before the receipt";
  const crashes: [CrashPoint, (agent: Agent) => void][] = [
    [
      "after proving",
      (agent) => {
        agent.client.send = async () => {
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
  ];

  for (const [point, inject] of crashes) {
    it(`recovers from a crash ${point}: exactly one trade for the nonce, journal and chain agree`, async () => {
      const tw = await networkHelpers.loadFixture(fixture);
      const { dataDir, modelPath } = await prepareAgentData(tw);
      const seed = await seedFor(tw, modelPath, compliantBuy);

      const first = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed });
      inject(first.agent);
      const crashed = await first.agent.tick(0).then(
        () => null,
        (e: Error) => e,
      );
      expect(crashed?.message).to.match(/^crash:/);
      await first.agent.close();

      // Restart with the same data directory: recovery runs at start, then the loop goes on.
      const second = await startTestAgent(ethers, tw, dataDir, { temperature: 1, seed });
      try {
        if ((await tw.trader.nonceOf(tw.agent.address)) === 0n) {
          const report = (await second.agent.tick(0)) as CycleReport;
          expect(report.outcome).to.equal("executed");
        }
        const events = await tradeEvents(tw);
        expect(events.map((e) => e.args.nonce)).to.deep.equal([0n]);
        expect(await tw.trader.nonceOf(tw.agent.address)).to.equal(1n);
        const executed = second.agent.journal
          .records()
          .filter((r) => r.kind === "confirmed" && r.status === "executed");
        expect(executed).to.have.length(1);
        expect(executed[0]).to.include({ txHash: events[0]!.transactionHash });
      } finally {
        await second.agent.close();
      }
    });
  }
});
