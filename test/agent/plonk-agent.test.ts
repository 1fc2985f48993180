import { expect } from "chai";
import { network } from "hardhat";

import { auditTrades, type CycleReport } from "@zkagent/agent";
import { PlonkPolicyVerifier__factory, PlonkVerifierAdapter__factory } from "@zkagent/contracts/typechain";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { id, keccak256, toUtf8Bytes } from "ethers";

import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { readWindow } from "../helpers/market.ts";
import { seedFor } from "../helpers/seed-for.ts";
import { PRICE_3000, TEST_POLICY, deployTraderWorld, type TraderWorld } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();
const BELOW = (PRICE_3000 * 98n) / 100n;
const ATTESTED = 0;

/** The trader world with its attested-model verifier rotated to a PlonkVerifierAdapter. */
async function plonkWorld() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  await pushPrice(tw.world.priceFeed, BELOW);
  await movePoolToPrice(tw.world, tw.stranger, BELOW);
  const plonkVerifier = await new PlonkPolicyVerifier__factory(tw.owner).deploy();
  const adapter = await new PlonkVerifierAdapter__factory(tw.owner).deploy(await plonkVerifier.getAddress());
  const vkeyHash = keccak256(toUtf8Bytes("plonk policy vkey"));
  await tw.trader.setVerifier(ATTESTED, await adapter.getAddress(), id("zkagent policy v1, PLONK"), vkeyHash);
  return { ...tw, adapter };
}

describe("the agent with proofSystem plonk (mode llm): the adapter's submit, then the trade", function () {
  this.timeout(600_000);

  it("proves with PLONK, submits the proof to the trader's adapter, then executes the trade", async () => {
    const f = await networkHelpers.loadFixture(plonkWorld);
    const { dataDir, modelPath } = await prepareAgentData(f);
    const { prices } = await readWindow(f.world.priceFeed);
    const seed = await seedFor(
      modelPath,
      { prices, position: 0n, maxPosition: TEST_POLICY.maxPosition, thresholdBps: TEST_POLICY.thresholdBps },
      (action, pct) => action === "BUY" && pct > 0 && pct <= 100,
    );
    const { agent, log } = await startTestAgent(ethers, f, dataDir, { temperature: 1, seed, proofSystem: "plonk" });
    try {
      const report = (await agent.tick(0)) as CycleReport;
      expect(report.outcome, report.reason).to.equal("executed");
      expect(report.plonkSubmit?.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const [verified] = await f.adapter.queryFilter(f.adapter.filters.PlonkProofVerified());
      expect(verified!.args.submitter).to.equal(f.agent.address);
      expect(verified!.transactionHash).to.equal(report.plonkSubmit!.txHash);
      // the adapter's transaction was mined before the trade's
      const trade = await ethers.provider.getTransactionReceipt(report.txHash!);
      expect(verified!.blockNumber).to.be.lessThan(trade!.blockNumber);
      expect(await f.trader.nonceOf(f.agent.address)).to.equal(1n);
      expect(log.lines.some((line) => /proof system: PLONK \(adapter 0x/.test(line.message))).to.equal(true);
      // the auditor finds the PLONK proof in the adapter's submit and re-verifies it
      const audit = await auditTrades({ provider: ethers.provider, traderAddress: await f.trader.getAddress() });
      const [audited] = audit.trades;
      expect(audited!.verifier).to.equal(await f.adapter.getAddress());
      const proofCheck = audited!.checks.find((c) => c.name === "proof verifies off-chain");
      expect(proofCheck?.status, proofCheck?.detail).to.equal("ok");
      expect(proofCheck?.detail).to.equal(`PLONK proof of submit ${report.plonkSubmit!.txHash}`);
      expect(audited!.verified).to.equal(true);
    } finally {
      await agent.close();
    }
  });

  it("refuses to start when the configured proof system is not the trader's verifier's, naming the fix", async () => {
    const f = await networkHelpers.loadFixture(plonkWorld);
    const { dataDir } = await prepareAgentData(f);
    const failure = (options: Parameters<typeof startTestAgent>[3], tw: TraderWorld = f, dir = dataDir) =>
      startTestAgent(ethers, tw, dir, options).then(
        () => null,
        (e: Error) => e,
      );
    const groth16 = await failure({ proofSystem: "groth16" });
    expect(groth16?.name).to.equal("PreflightError");
    expect(groth16?.message).to.match(/is a PlonkVerifierAdapter .*: set proofSystem "plonk"$/);
    const optimistic = await failure({ proofSystem: "plonk", path: "optimistic" });
    expect(optimistic?.name).to.equal("ConfigError");
    expect(optimistic?.message).to.match(/proofSystem "plonk" with path "optimistic"/);
    const plain = await deployTraderWorld(ethers, networkHelpers);
    const other = await prepareAgentData(plain);
    const plonk = await failure({ proofSystem: "plonk" }, plain, other.dataDir);
    expect(plonk?.name).to.equal("PreflightError");
    expect(plonk?.message).to.match(/proofSystem "plonk", but .* is not a PlonkVerifierAdapter/);
  });
});
