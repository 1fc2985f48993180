import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { PriceHistoryError, parsePriceHistory, readPriceHistory } from "../src/backtest/price-history.ts";

const dir = mkdtempSync(join(tmpdir(), "zkagent-prices-"));

/** n hourly Chainlink-style rows from 2024-01-01, price 3000 + i. */
function chainlinkCsv(n: number, edit: (rows: string[]) => void = () => {}): string {
  const rows = Array.from({ length: n }, (_, i) => `${100 + i},${(3000 + i) * 1e8},${1704067200 + 3600 * i}`);
  edit(rows);
  return ["roundId,answer,updatedAt", ...rows].join("\n");
}

/** n daily closes from 2024-01-01, price 3000.5 + i. */
function closesCsv(n: number): string {
  const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
  return ["date,close", ...Array.from({ length: n }, (_, i) => `${day(i)},${3000 + i}.5`)].join("\n");
}

/** The one-line error a file gets: "<file> line <n>: <reason>". */
function refusal(text: string, file = "prices.csv"): PriceHistoryError {
  try {
    parsePriceHistory(text, file, 30);
  } catch (error) {
    expect(error).to.be.instanceOf(PriceHistoryError);
    expect((error as Error).message).not.to.include("\n");
    return error as PriceHistoryError;
  }
  throw new Error("the file was accepted");
}

describe("price history files", () => {
  it("reads Chainlink-style rounds (roundId, answer in 8 decimals, updatedAt in Unix seconds)", () => {
    const history = parsePriceHistory(chainlinkCsv(40), "rounds.csv");
    expect(history.points).to.have.length(40);
    expect(history.timed).to.equal(true);
    expect(history.points[0]).to.deep.equal({ price: 300_000_000_000n, timestamp: 1704067200, roundId: 100n, line: 2 });
    expect(history.gaps).to.deep.equal([]);
  });

  it("reads decimal closes with ISO dates exactly (no float rounding)", () => {
    const history = parsePriceHistory(closesCsv(30), "closes.csv");
    expect(history.points[0]!.price).to.equal(300_050_000_000n);
    expect(history.points[0]!.timestamp).to.equal(Date.UTC(2024, 0, 1) / 1000);
  });

  it("reads a bare column of closes without a header, and JSON arrays of prices or rounds", () => {
    const bare = Array.from({ length: 30 }, (_, i) => `${2000 + i}`).join("\n");
    expect(parsePriceHistory(bare, "bare.csv").timed).to.equal(false);
    const numbers = JSON.stringify(Array.from({ length: 30 }, (_, i) => 2000.25 + i));
    expect(parsePriceHistory(numbers, "p.json").points[0]!.price).to.equal(200_025_000_000n);
    const rounds = JSON.stringify({
      prices: Array.from({ length: 30 }, (_, i) => ({ answer: String(2e11 + i), timestamp: 1704067200 + 60 * i })),
    });
    expect(parsePriceHistory(rounds, "r.json").points[29]!.price).to.equal(200_000_000_029n);
  });

  it("keeps gaps (an interval over 3x the median, missing round ids) and reports them", () => {
    // Round ids 120..124 missing, and 11 hours between lines 21 and 22 (hourly otherwise).
    const rows = Array.from({ length: 40 }, (_, i) => {
      const [round, hour] = i < 20 ? [100 + i, i] : [105 + i, 10 + i];
      return `${round},${(3000 + i) * 1e8},${1704067200 + 3600 * hour}`;
    });
    const history = parsePriceHistory(["roundId,answer,updatedAt", ...rows].join("\n"), "gappy.csv");
    expect(history.gaps).to.deep.equal([
      { line: 22, missingRounds: 5n },
      { line: 22, seconds: 11 * 3600 },
    ]);
  });

  it("refuses a row whose price is not a number, naming the file and the line", () => {
    const error = refusal(chainlinkCsv(40, (rows) => (rows[6] = "106,abc,1704088800")));
    expect(error.message).to.equal(
      'prices.csv line 8: answer "abc" is not a whole number (Chainlink\'s answer: the price × 10^8)',
    );
    expect(error.line).to.equal(8);
  });

  it("refuses zero and negative prices, and more than 8 decimals", () => {
    expect(refusal(chainlinkCsv(40, (rows) => (rows[3] = "103,0,1704078000"))).message).to.match(
      /line 5: price 0 is not positive/,
    );
    expect(refusal(closesCsv(30).replace("3000.5", "-3000.5")).message).to.match(
      /line 2: price "-3000.5" is not a decimal/,
    );
    expect(refusal(closesCsv(30).replace("3001.5", "3001.123456789")).message).to.match(
      /line 3: .*more than 8 decimals/,
    );
  });

  it("refuses a duplicate timestamp, and one that goes back in time", () => {
    expect(
      refusal(chainlinkCsv(40, (rows) => (rows[10] = `110,${3010 * 1e8},${1704067200 + 3600 * 9}`))).message,
    ).to.match(/line 12: duplicate timestamp 2024-01-01T09:00:00Z \(line 11 has it too\)/);
    expect(
      refusal(chainlinkCsv(40, (rows) => (rows[10] = `110,${3010 * 1e8},${1704067200 + 3600 * 5}`))).message,
    ).to.match(/line 12: timestamp 2024-01-01T05:00:00Z is before line 11's .*rows must be in time order/);
  });

  it("refuses round ids that do not increase", () => {
    expect(
      refusal(chainlinkCsv(40, (rows) => (rows[5] = `104,${3005 * 1e8},${1704067200 + 3600 * 5}`))).message,
    ).to.match(/line 7: roundId 104 does not increase \(line 6 has 104\)/);
  });

  it("refuses rows with a missing column, a missing timestamp, and bad timestamps", () => {
    expect(refusal(chainlinkCsv(40, (rows) => (rows[2] = "102,300200000000"))).message).to.match(
      /line 4: 2 columns where the header has 3/,
    );
    expect(refusal(chainlinkCsv(40, (rows) => (rows[2] = `102,${3002 * 1e8},`))).message).to.match(
      /line 4: no timestamp, where other rows have one/,
    );
    expect(refusal(chainlinkCsv(40, (rows) => (rows[2] = `102,${3002 * 1e8},1704074400000`))).message).to.match(
      /line 4: .*looks like milliseconds/,
    );
    expect(refusal(chainlinkCsv(40, (rows) => (rows[2] = `102,${3002 * 1e8},yesterday`))).message).to.match(
      /line 4: timestamp "yesterday" is neither Unix seconds nor an ISO 8601 date/,
    );
  });

  it("refuses a header without a price column, an empty file and too short a history", () => {
    expect(refusal("when,value\n1,2").message).to.match(/line 1: no price column in the header \(when,value\)/);
    expect(refusal("\n# nothing\n").message).to.equal("prices.csv: no rows (the file is empty)");
    expect(refusal(chainlinkCsv(12)).message).to.equal(
      "prices.csv: 12 prices: a backtest needs at least 30 (a 30-round window, then one round per tick)",
    );
  });

  it("names the line of a bad JSON entry, and of a JSON syntax error", () => {
    const entries = Array.from({ length: 30 }, (_, i) => `  { "price": ${3000 + i}, "timestamp": ${1704067200 + i} }`);
    entries[4] = '  { "price": "n/a", "timestamp": 1704067204 }';
    expect(refusal(`[\n${entries.join(",\n")}\n]`, "p.json").message).to.match(
      /^p\.json line 6: price "n\/a" is not a decimal/,
    );
    expect(refusal("[\n  1,\n  2,,\n]", "broken.json").message).to.equal(
      "broken.json line 3: not valid JSON (Unexpected token ',')",
    );
    expect(refusal("[\n  1,\n  2\n  3\n]", "broken.json").message).to.match(
      /^broken\.json line 4: not valid JSON \(Expected ','/,
    );
  });

  it("names an unreadable file by its full path with the reason", () => {
    expect(() => readPriceHistory(join(dir, "missing.csv"))).to.throw(
      PriceHistoryError,
      `${join(dir, "missing.csv")}: cannot read it: no such file (ENOENT)`,
    );
    const file = join(dir, "ok.csv");
    writeFileSync(file, chainlinkCsv(30));
    expect(readPriceHistory(file).points).to.have.length(30);
  });
});
