import { expect } from "chai";

import { Action, type PublicValues } from "@zkagent/circuits";

import { decisionMismatches } from "../src/audit/record-findings.ts";
import {
  DECISION_RECORD_V1,
  DECISION_RECORD_VERSION,
  decisionRecordSchema,
  type DecisionRecord,
} from "../src/disclosure/decision-record.ts";

const CAP = 2n * 10n ** 18n;
const POSITION = 5n * 10n ** 17n;

/** A mode-llm record of a SELL of 40 % (the LLM's raw output), held POSITION under a cap of CAP. */
function recordOf(version: string, sizing?: "cap" | "room-or-position"): DecisionRecord {
  return decisionRecordSchema.parse({
    version,
    ...(sizing ? { sizing } : {}),
    kind: "trade",
    createdAt: "2026-11-20T10:00:00.000Z",
    chainId: "31337",
    trader: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    agent: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    traderNonce: "3",
    mode: "llm",
    window: {
      roundId: "30",
      pricesCommitment: "1",
      rounds: [{ roundId: "30", answer: "300000000000", updatedAt: "1" }],
    },
    policy: { maxPosition: CAP.toString(), thresholdBps: "100" },
    position: POSITION.toString(),
    llm: { prompt: "…", output: '{"action":"SELL","sizePct":40,"confidence":0.8}' },
    model: { kind: "attested", hash: "7" },
    decision: { action: "SELL", size: "0", verdict: "compliant" },
    timingsMs: {},
    recipients: ["auditor"],
  });
}

/** The public values of a SELL of `size` from POSITION under CAP. */
function sellOf(size: bigint): PublicValues {
  return {
    pricesCommitment: 1n,
    roundId: 30n,
    latestPrice: 300_000_000_000n,
    maxPosition: CAP,
    thresholdBps: 100n,
    position: POSITION,
    action: Action.SELL,
    size,
    modelHash: 7n,
    context: 1n,
  };
}

const llmFindings = (record: DecisionRecord, values: PublicValues) =>
  decisionMismatches({ ...record, decision: { ...record.decision, size: values.size.toString() } }, values).filter(
    ([, what]) => what.startsWith("the LLM's output"),
  );

describe("decision records carry their sizing rule: the auditor checks each under its own", () => {
  it("checks a v2 record's LLM size against the room-or-position rule (40 % of the position)", () => {
    const record = recordOf(DECISION_RECORD_VERSION, "room-or-position");
    expect(llmFindings(record, sellOf((POSITION * 40n) / 100n))).to.deep.equal([]);
    expect(llmFindings(record, sellOf((CAP * 40n) / 100n))).to.have.length(1);
  });

  it("checks a v1 record (written before the rule changed) against the cap rule it was made with (40 % of the cap)", () => {
    const record = recordOf(DECISION_RECORD_V1);
    expect(llmFindings(record, sellOf((CAP * 40n) / 100n))).to.deep.equal([]);
    expect(llmFindings(record, sellOf((POSITION * 40n) / 100n))).to.have.length(1);
  });

  it("refuses a v2 record without its rule and a v1 record that names one", () => {
    expect(() => recordOf(DECISION_RECORD_VERSION)).to.throw(/a v2 record names its sizing rule/);
    expect(() => recordOf(DECISION_RECORD_V1, "cap")).to.throw(/a v2 record names its sizing rule/);
  });
});
