import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import {
  CLAIM_TRANSITIONS,
  IllegalTransitionError,
  Journal,
  JournalView,
  worstLossOf,
  type ClaimState,
  type StoredClaim,
  type StoredProof,
} from "../src/index.ts";

const TX = `0x${"ab".repeat(32)}`;
const CLAIM_ID = `0x${"c1".repeat(32)}`;
const RECEIPT = { gasUsed: 221_000n, blockNumber: 7 };
const PROOF: StoredProof = {
  a: ["1", "2"],
  b: [
    ["3", "4"],
    ["5", "6"],
  ],
  c: ["7", "8"],
};
const SIGNALS = ["11", "12", "13", "14", "15"];
const CLAIM: StoredClaim = {
  trader: "0x0000000000000000000000000000000000000001",
  agent: "0x0000000000000000000000000000000000000002",
  nonce: "0",
  signalsHash: `0x${"5a".repeat(32)}`,
  verifier: "0x0000000000000000000000000000000000000003",
  worstLoss: "29400000",
  challengeDeadline: "1800000000",
};

let store: string;
let journal: Journal;
beforeEach(() => {
  store = join(mkdtempSync(join(tmpdir(), "zkagent-claims-")), "journal.sqlite");
  journal = Journal.open(store);
});
afterEach(() => journal.close());

/** An optimistic trade for nonce 0, executed by TX. */
function executedOptimistic(): void {
  journal.trades.proved(0n, SIGNALS, { proof: PROOF });
  journal.trades.signed({ traderNonce: 0n, txHash: TX, rawTx: "0x02", accountNonce: 0 });
  journal.trades.executed(TX, RECEIPT);
}

/** Drives the claim into `state` by legal steps. */
function claimIn(state: ClaimState): void {
  executedOptimistic();
  journal.trades.claimOpened(TX, CLAIM_ID, CLAIM);
  if (state === "open") return;
  if (state === "finalized") return void journal.trades.claimSettled(CLAIM_ID, "finalized");
  if (state === "proven") return void journal.trades.claimSettled(CLAIM_ID, "proven");
  journal.trades.claimChallenged(CLAIM_ID, CLAIM.agent, 1_800_001_800n);
  if (state === "slashed") journal.trades.claimSlashed(CLAIM_ID);
}

function moveClaimTo(to: ClaimState): void {
  if (to === "open") journal.trades.claimOpened(TX, CLAIM_ID, CLAIM);
  else if (to === "challenged") journal.trades.claimChallenged(CLAIM_ID, CLAIM.agent, 1n);
  else if (to === "slashed") journal.trades.claimSlashed(CLAIM_ID);
  else journal.trades.claimSettled(CLAIM_ID, to);
}

const CLAIM_STATES = ["open", "challenged", "proven", "finalized", "slashed"] as const;

describe("an optimistic trade's claim (the same lifecycle module)", () => {
  describe("refuses every claim move the lifecycle does not allow, and writes nothing", () => {
    for (const from of CLAIM_STATES) {
      for (const to of CLAIM_STATES) {
        if (CLAIM_TRANSITIONS[from].includes(to)) continue;
        it(`${from} → ${to}`, () => {
          claimIn(from);
          const before = journal.records().length;
          expect(() => moveClaimTo(to)).to.throw(IllegalTransitionError);
          expect(journal.records()).to.have.length(before);
        });
      }
    }
  });

  it("keeps the proof from before anything is sent, and the claim by its id", () => {
    claimIn("challenged");
    const [claim] = journal.claims();
    expect(claim).to.deep.include({
      claimId: CLAIM_ID,
      state: "challenged",
      txHash: TX,
      responseDeadline: 1_800_001_800,
    });
    expect(claim!.proof).to.deep.equal(PROOF);
    expect(claim!.publicSignals).to.deep.equal(SIGNALS);
    expect(claim!.claim).to.deep.equal(CLAIM);
    journal.trades.claimSettled(CLAIM_ID, "proven", { settledBy: TX, challengeBondWon: 100_000_000n });
    expect(journal.claims()).to.deep.equal([]);
    expect(journal.claimCounts()).to.include({ proven: 1, open: 0 });
    expect(journal.records().at(-1)).to.include({
      kind: "claim-settled",
      how: "proven",
      challengeBondWon: "100000000",
    });
  });

  it("refuses a claim on a verified trade, on a trade that has not executed, and an optimistic proof without its proof", () => {
    journal.trades.proved(0n, SIGNALS);
    journal.trades.signed({ traderNonce: 0n, txHash: TX, rawTx: "0x02", accountNonce: 0 });
    expect(() => journal.trades.claimOpened(TX, CLAIM_ID, CLAIM)).to.throw(
      IllegalTransitionError,
      /verified trade signed/,
    );
    journal.trades.executed(TX, RECEIPT);
    expect(() => journal.trades.claimOpened(TX, CLAIM_ID, CLAIM)).to.throw(IllegalTransitionError, /verified trade/);
    expect(() => journal.trades.claimChallenged(`0x${"99".repeat(32)}`, CLAIM.agent, 1n)).to.throw(
      IllegalTransitionError,
      /never opened/,
    );
    expect(() =>
      journal.trades.apply({ kind: "proved", traderNonce: "1", publicSignals: SIGNALS, path: "optimistic" }),
    ).to.throw(/needs its proof journaled/);
  });

  it("lists an executed optimistic trade with no claim recorded (a stop in between), until it is recorded", () => {
    executedOptimistic();
    expect(journal.unrecordedClaims()).to.deep.equal([{ trade: 0, traderNonce: "0", txHash: TX }]);
    journal.trades.claimOpened(TX, CLAIM_ID, CLAIM);
    expect(journal.unrecordedClaims()).to.deep.equal([]);
  });

  it("a reorganisation that undoes the trade takes its claim with it; re-executed, it is opened again", () => {
    claimIn("challenged");
    journal.trades.reorged(TX);
    expect(journal.claims()).to.deep.equal([]);
    journal.trades.executed(TX, { ...RECEIPT, blockNumber: 8 });
    expect(journal.unrecordedClaims()).to.have.length(1);
    journal.trades.claimOpened(TX, CLAIM_ID, { ...CLAIM, challengeDeadline: "1800000012" });
    expect(journal.claims()[0]).to.deep.include({ state: "open" });
    expect(journal.claims()[0]!.claim.challengeDeadline).to.equal("1800000012");
  });

  it("bond observations and holds are activity records, read back for status", () => {
    journal.append({ kind: "bond", total: "500", locked: "0", pending: 0, withdrawable: "500", slashed: false });
    journal.append({
      kind: "bond-hold",
      tick: 3,
      roundId: "30",
      traderNonce: "0",
      action: "BUY",
      size: "1",
      worstLoss: "29",
      required: "79",
      free: "60",
      pending: 0,
      reason: "free bond short",
    });
    expect(journal.bondHolds()).to.equal(1);
    expect(journal.last("bond")).to.include({ total: "500" });
    expect(journal.last("bond-hold")).to.include({ reason: "free bond short" });
  });

  it("a journal of layout 1 gains the claim columns at the next start, keeping its trades", () => {
    journal.trades.proved(0n, SIGNALS);
    journal.close();
    // what an earlier zkagent left: layout 1, without the optimistic columns
    const { DatabaseSync } = createRequire(import.meta.url)("node:sqlite") as typeof import("node:sqlite");
    const old = new DatabaseSync(store);
    old.exec(`DROP INDEX trades_publications; DROP INDEX trades_one_open_per_nonce; DROP INDEX trades_one_execution_per_nonce;
      ALTER TABLE trades DROP COLUMN publication; ALTER TABLE trades DROP COLUMN kind;
      CREATE UNIQUE INDEX trades_one_open_per_nonce ON trades (trader_nonce) WHERE state IN ('proved', 'signed', 'reorged');
      CREATE UNIQUE INDEX trades_one_execution_per_nonce ON trades (trader_nonce) WHERE state = 'executed';
      DROP INDEX trades_one_claim; DROP INDEX trades_by_claim_state; DROP INDEX trades_unclaimed;
      ALTER TABLE trades DROP COLUMN response_deadline; ALTER TABLE trades DROP COLUMN claim_state;
      ALTER TABLE trades DROP COLUMN claim; ALTER TABLE trades DROP COLUMN claim_id;
      ALTER TABLE trades DROP COLUMN proof; ALTER TABLE trades DROP COLUMN path; PRAGMA user_version = 1;`);
    old.close();
    const view = JournalView.openReadOnly(store)!;
    expect(view.claims()).to.deep.equal([]); // read-only: shown as it is, not migrated
    view.close();
    journal = Journal.open(store);
    expect(journal.ledger().openProofs).to.deep.equal([{ trade: 0, traderNonce: "0" }]);
    journal.trades.abandoned({ traderNonce: 0n }, "test");
    executedOptimisticAt(1n);
    expect(journal.unrecordedClaims()).to.have.length(1);
  });
});

function executedOptimisticAt(nonce: bigint): void {
  journal.trades.proved(nonce, SIGNALS, { proof: PROOF });
  journal.trades.signed({ traderNonce: nonce, txHash: TX, rawTx: "0x02", accountNonce: 0 });
  journal.trades.executed(TX, RECEIPT);
}

describe("the worst loss the lane locks (SlippageMath.worstLoss's twin)", () => {
  it("is value × slippage, rounded up, in quote units", () => {
    const scale = 10n ** (18n + 8n - 6n); // WETH, an 8-decimal feed, USDC
    expect(worstLossOf(10n ** 18n, 2_940n * 10n ** 8n, scale, 100n)).to.equal(29_400_000n); // 29.4 USDC
    expect(worstLossOf(1n, 2_940n * 10n ** 8n, scale, 100n)).to.equal(1n); // rounded up, never 0
    expect(worstLossOf(0n, 2_940n * 10n ** 8n, scale, 100n)).to.equal(0n);
  });
});
