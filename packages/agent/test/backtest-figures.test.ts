import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { backtestFigures, tradeCost, type BacktestTick } from "../src/backtest/backtest-figures.ts";
import { BacktestState, BacktestStateError, type RunFingerprint } from "../src/backtest/backtest-state.ts";
import type { CycleReport } from "../src/cycle.ts";

const ETH = 10n ** 18n;
const USDC = 10n ** 6n;
const usd = (dollars: number) => BigInt(Math.round(dollars * 1e8));

/** A tick at `price` USD after which the vault holds `weth` ETH and `usdc` USDC. */
function tick(n: number, price: number, weth: number, usdc: number, extra: Partial<CycleReport> = {}): BacktestTick {
  const report = {
    tick: n,
    roundId: BigInt(30 + n),
    latestPrice: usd(price),
    movingAverage: usd(price),
    lowerBand: usd(price * 0.99),
    upperBand: usd(price * 1.01),
    position: 0n,
    verdict: "hold",
    timingsMs: { data: 1, inference: 1, precheck: 0 },
    ...extra,
  } as CycleReport;
  return {
    report,
    roundTime: 1735689600 + 3600 * n,
    vault: { weth: BigInt(weth * 1e6) * 10n ** 12n, usdc: BigInt(usdc * 1e6) },
    position: 0n,
  };
}

describe("backtest figures", () => {
  it("splits a BUY's cost against the oracle into the pool's fee and slippage", () => {
    // Paid 1 010 USDC for 0.33 ETH at an oracle price of 3 000 (990 USD of ETH), 0.3 % fee.
    const cost = tradeCost("BUY", 1010n * USDC, (33n * ETH) / 100n, usd(3000), 3000);
    expect(cost.notionalUsd).to.be.closeTo(990, 1e-9);
    expect(cost.feeUsd).to.be.closeTo(3.03, 1e-9);
    expect(cost.slippageUsd).to.be.closeTo(1010 - 990 - 3.03, 1e-9);
  });

  it("values a SELL at the oracle: the fee on what went in, slippage on what came short", () => {
    const cost = tradeCost("SELL", ETH / 2n, 1490n * USDC, usd(3000), 3000);
    expect(cost.notionalUsd).to.equal(1500);
    expect(cost.feeUsd).to.be.closeTo(4.5, 1e-9);
    expect(cost.slippageUsd).to.be.closeTo(1500 - 1490 - 4.5, 1e-9);
  });

  it("gives return against holding the initial vault, the worst drawdown from a high, and turnover", () => {
    const start = { weth: ETH, usdc: 10_000n * USDC };
    const bought = tradeCost("BUY", 3030n * USDC, ETH, usd(3000), 3000);
    const ticks = [
      { ...tick(0, 3000, 2, 6970, { verdict: "compliant", action: "BUY", outcome: "executed" }), trade: bought },
      tick(1, 2400, 2, 6970),
      tick(2, 3300, 2, 6970, { verdict: "refused", rule: "POSITION_CAP" }),
    ];
    const f = backtestFigures(ticks, start);
    expect(f.startValueUsd).to.equal(13_000);
    expect(f.finalValueUsd).to.be.closeTo(2 * 3300 + 6970, 1e-6);
    expect(f.returnPct).to.be.closeTo(((2 * 3300 + 6970) / 13_000 - 1) * 100, 1e-9);
    expect(f.buyAndHoldPct).to.be.closeTo((13_300 / 13_000 - 1) * 100, 1e-9);
    // High 13 000 (the start) then 2 × 2 400 + 6 970 = 11 770.
    expect(f.maxDrawdownPct).to.be.closeTo(((13_000 - 11_770) / 13_000) * 100, 1e-9);
    expect(f.buyAndHoldMaxDrawdownPct).to.be.closeTo(((13_000 - 12_400) / 13_000) * 100, 1e-9);
    expect(f.turnover).to.be.closeTo(3000 / 13_000, 1e-9);
    expect(f.executed).to.deep.equal({ buy: 1, sell: 0 });
    expect(f.refusedByRule).to.deep.equal({ POSITION_CAP: 1 });
  });
});

describe("backtest state file", () => {
  const dir = mkdtempSync(join(tmpdir(), "zkagent-state-"));
  const fingerprint: RunFingerprint = {
    prices: "ab",
    mode: "llm",
    seed: 7,
    temperature: 1,
    model: "0x1/0x0",
    intervalSeconds: 0,
  };

  it("keeps whole ticks across a crash in the middle of a line, bigints included, and appends after them", () => {
    const path = join(dir, "state.jsonl");
    const { state } = BacktestState.open(path, fingerprint);
    state.append(tick(0, 3000, 1, 10_000));
    state.append(tick(1, 3001, 1, 10_000));
    state.close();
    writeFileSync(path, `${readFileSync(path, "utf8")}{"tick":{"report":{"tick":2,`); // the crash
    const { state: again, completed } = BacktestState.open(path, fingerprint);
    expect(completed.map((t) => t.report.tick)).to.deep.equal([0, 1]);
    expect(completed[1]!.report.latestPrice).to.equal(usd(3001));
    again.append(tick(2, 3002, 1, 10_000));
    again.close();
    expect(BacktestState.open(path, fingerprint).completed.map((t) => t.report.tick)).to.deep.equal([0, 1, 2]);
  });

  it("refuses another run's file, naming what differs, and starts over on request", () => {
    const path = join(dir, "other.jsonl");
    BacktestState.open(path, fingerprint).state.close();
    expect(() => BacktestState.open(path, { ...fingerprint, seed: 8, mode: "model" })).to.throw(
      BacktestStateError,
      /belongs to another run \(its mode, seed differ\)/,
    );
    expect(BacktestState.open(path, { ...fingerprint, seed: 8 }, true).completed).to.deep.equal([]);
  });
});
