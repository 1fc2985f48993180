import { expect } from "chai";
import { seededRandom } from "@zkagent/circuits";

import {
  analyseHistory,
  disclosureGaps,
  ksStatistic,
  nearBoundaryStreak,
  refusalRateJump,
  signalDrift,
  sizesAtCap,
  slippageAtBound,
  tradeAfterChange,
  type HistoryDecision,
  type HistoryTrade,
} from "../src/index.ts";

const ETH = 10n ** 18n;
const AGENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** A clean agent's trade: half the room, well inside the band, 30 bps of slippage, its record committed. */
function trade(i: number, overrides: Partial<HistoryTrade> = {}): HistoryTrade {
  const buy = i % 2 === 0;
  return {
    txHash: `0x${i.toString(16).padStart(64, "0")}`,
    blockNumber: 100 + i * 10,
    timestamp: 1_700_000_000 + i * 3_600,
    agent: AGENT,
    nonce: BigInt(i),
    action: buy ? "BUY" : "SELL",
    size: buy ? ETH : ETH,
    position: buy ? 0n : 2n * ETH,
    maxPosition: 2n * ETH,
    modelHash: 42n,
    bandMarginBps: 80 + ((i * 37) % 100),
    signal: ((i * 53) % 81) - 40,
    slippageBps: 30,
    maxSlippageBps: 100,
    recordCommitted: true,
    ...overrides,
  };
}
const clean = (n = 50) => Array.from({ length: n }, (_, i) => trade(i));

describe("audit intelligence: each finding kind on a crafted history that must raise it, and a clean one that must not", () => {
  it("a clean history raises nothing", () => {
    const decisions: HistoryDecision[] = Array.from({ length: 60 }, (_, i) => ({
      agent: AGENT,
      timestamp: i,
      verdict: i % 10 === 0 ? "refused" : "compliant",
    }));
    expect(analyseHistory({ trades: clean(), decisions })).to.deep.equal([]);
  });

  it("near-boundary-streak: three of ten consecutive trades within 10 bps of the band edge", () => {
    const trades = clean(20).map((t, i) => ([4, 6, 9].includes(i) ? { ...t, bandMarginBps: 3 } : t));
    const [finding, ...rest] = nearBoundaryStreak(trades);
    expect(rest).to.deep.equal([]);
    expect(finding!.evidence.txHashes).to.deep.equal([4, 6, 9].map((i) => trades[i]!.txHash));
    // Two near the edge in ten is chance.
    expect(
      nearBoundaryStreak(clean(20).map((t, i) => ([4, 9].includes(i) ? { ...t, bandMarginBps: 3 } : t))),
    ).to.deep.equal([]);
  });

  it("sizes-at-cap: most trades use the whole room", () => {
    const trades = clean(10).map((t) => (t.action === "BUY" ? { ...t, size: 2n * ETH } : { ...t, size: t.position }));
    expect(sizesAtCap(trades).map((f) => f.kind)).to.deep.equal(["sizes-at-cap"]);
    expect(sizesAtCap(clean(10))).to.deep.equal([]);
  });

  it("trade-after-change: a trade ten minutes after the policy was loosened", () => {
    const trades = clean(10);
    const change = {
      kind: "policy" as const,
      blockNumber: 145,
      timestamp: trades[5]!.timestamp - 600,
      detail: "thresholdBps 100 → 20",
    };
    const [finding] = tradeAfterChange(trades, [change]);
    expect(finding!.evidence.txHashes).to.deep.equal([trades[5]!.txHash]);
    expect(finding!.evidence.firstAfterSeconds).to.equal(600);
    const longBefore = { ...change, blockNumber: 10, timestamp: trades[0]!.timestamp - 86_400 };
    expect(tradeAfterChange(trades, [longBefore])).to.deep.equal([]);
  });

  it("signal-drift: the same model's last 20 signals all lean one way after 40 spread ones", () => {
    const random = seededRandom(7);
    const trades = Array.from({ length: 60 }, (_, i) =>
      trade(i, { signal: i < 40 ? Math.round(random() * 80 - 40) : 60 + Math.round(random() * 20) }),
    );
    expect(signalDrift(trades).map((f) => f.kind)).to.deep.equal(["signal-drift"]);
    const steady = Array.from({ length: 60 }, (_, i) => trade(i, { signal: Math.round(random() * 80 - 40) }));
    expect(signalDrift(steady)).to.deep.equal([]);
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).to.equal(0);
    expect(ksStatistic([1, 2, 3], [4, 5, 6])).to.equal(1);
  });

  it("refusal-rate-jump: refusals rise from 10 % to 60 % over the last 20 decisions", () => {
    const decisions: HistoryDecision[] = Array.from({ length: 60 }, (_, i) => ({
      agent: AGENT,
      timestamp: i,
      verdict: (i < 40 ? i % 10 === 0 : i % 5 < 3) ? "refused" : "compliant",
    }));
    const [finding] = refusalRateJump(decisions);
    expect(finding!.detail).to.equal("refusals rose from 10 % to 60 % over the last 20 decisions");
    expect(refusalRateJump(decisions.slice(0, 40))).to.deep.equal([]);
  });

  it("slippage-at-bound: fills at the worst price the bound allows (possible sandwiching)", () => {
    const trades = clean(10).map((t, i) => (i === 3 || i === 7 ? { ...t, slippageBps: 99 } : t));
    const [finding] = slippageAtBound(trades);
    expect([finding!.severity, finding!.evidence.txHashes]).to.deep.equal([
      "medium",
      [trades[3]!.txHash, trades[7]!.txHash],
    ]);
    expect(slippageAtBound(clean(10))).to.deep.equal([]);
  });

  it("disclosure-gap: an agent that committed records for some trades and not for others", () => {
    const trades = clean(10).map((t, i) => (i === 6 ? { ...t, recordCommitted: false } : t));
    const [finding] = disclosureGaps(trades);
    expect([finding!.severity, finding!.evidence.txHashes]).to.deep.equal(["high", [trades[6]!.txHash]]);
    const never = disclosureGaps(clean(4).map((t) => ({ ...t, recordCommitted: false })));
    expect(never.map((f) => f.severity)).to.deep.equal(["info"]);
    expect(disclosureGaps(clean(10))).to.deep.equal([]);
  });
});
