import { expect } from "chai";
import { network } from "hardhat";

import type { CycleReport } from "@zkagent/agent";
import { modelCommitment } from "@zkagent/circuits";

import { prepareAgentData, startTestAgent } from "../helpers/agent-fixture.ts";
import { deployProvenWorld, meanReversionModel } from "../helpers/models.ts";
import { TEST_POLICY } from "../helpers/trader-fixture.ts";

const { ethers, networkHelpers } = await network.create();

const provenWorld = () => deployProvenWorld(ethers, networkHelpers);

describe("the agent with a proven decision model (modes model and llm+model)", function () {
  this.timeout(300_000);

  for (const mode of ["model", "llm+model"] as const) {
    it(`mode ${mode}: the proven model decides, the proof carries it, and the trade executes as proven`, async () => {
      const { tw, model } = await networkHelpers.loadFixture(provenWorld);
      const { dataDir } = await prepareAgentData(tw);
      const { agent } = await startTestAgent(ethers, tw, dataDir, { mode, decisionModel: model });
      try {
        expect(agent.model === undefined).to.equal(mode === "model"); // no LLM loaded without an adviser
        const report = (await agent.tick(0)) as CycleReport;
        expect(report.proven).to.equal(true);
        expect(report.outcome).to.equal("executed");
        expect(report.action).to.equal("BUY");
        expect(report.size).to.equal(TEST_POLICY.maxPosition / 2n); // the model's 50 % of the room
        expect(typeof report.advice).to.equal("bigint");
        if (mode === "model") expect(report.advice).to.equal(0n);
        const [event] = await tw.trader.queryFilter(tw.trader.filters.TradeExecuted(tw.agent.address));
        expect(event!.args.modelHash).to.equal(modelCommitment(model));
        expect(event!.args.modelKind).to.equal(1n);
        expect(agent.journal.records().map((r) => r.kind)).to.deep.equal(["cycle", "proved", "signed", "confirmed"]);
      } finally {
        await agent.close();
      }
    });
  }

  it("refuses to start in a proven mode whose model the registry has not approved", async () => {
    const { tw } = await networkHelpers.loadFixture(provenWorld);
    const { dataDir } = await prepareAgentData(tw);
    const other = { ...meanReversionModel(), b2: [0n, 90n] };
    const error = await startTestAgent(ethers, tw, dataDir, { mode: "model", decisionModel: other }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.name).to.equal("PreflightError");
    expect(error?.message).to.match(/not approved/);
  });
});
