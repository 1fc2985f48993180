import { readFileSync } from "node:fs";
import { basename, extname, resolve } from "node:path";

import { AgentError } from "../errors.ts";
import { fileErrorReason } from "../file-errors.ts";

/** Chainlink's ETH/USD answers carry 8 decimals; every price here is in that unit. */
export const PRICE_DECIMALS = 8;
/** The circuits take answers below 2^64 (in 8 decimals: about 1.8e11 USD). */
const MAX_ANSWER = 2n ** 64n - 1n;

/**
 * A price history file that cannot be replayed, with where and why: "PriceHistoryError:
 * /data/eth.csv line 7: timestamp 2021-03-04T00:00:00Z is not after line 6's (…)". One line, so
 * the CLI prints it as is.
 */
export class PriceHistoryError extends AgentError {
  override readonly name = "PriceHistoryError";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? "" : ` line ${line}`}: ${reason}`);
  }
}

/** One oracle round to replay. */
export interface PricePoint {
  /** The answer in 8 decimals (Chainlink's). */
  price: bigint;
  /** When the round was updated, in Unix seconds (absent for a file of closes without times). */
  timestamp?: number;
  /** The source's round id, if it gave one (checked for order, otherwise informational). */
  roundId?: bigint;
  /** The file's line the point came from (1-based). */
  line: number;
}

/** A history that was accepted, with what was noticed but not refused. */
export interface PriceHistory {
  file: string;
  points: PricePoint[];
  /** Whether every point has a timestamp (then the chain's clock follows them, and the report shows dates). */
  timed: boolean;
  /** Intervals more than 3× the median, and jumps in round ids: kept (rounds are not evenly spaced on Chainlink either), reported. */
  gaps: { line: number; seconds?: number; missingRounds?: bigint }[];
}

const PRICE_COLUMNS = ["price", "close", "answer"] as const;
const TIME_COLUMNS = ["timestamp", "updatedat", "time", "date"] as const;

/**
 * A decimal USD amount ("3012.55", "1e3" refused) as 8-decimal fixed point, exactly (never
 * through a float): more than 8 decimals, a sign, or anything but digits and one point is refused.
 */
function parseDecimalPrice(text: string): bigint | string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return `price "${text}" is not a decimal number (digits and at most one point, e.g. 3012.55)`;
  const fraction = match[2] ?? "";
  if (fraction.length > PRICE_DECIMALS)
    return `price "${text}" has more than ${PRICE_DECIMALS} decimals (Chainlink's ETH/USD precision)`;
  return BigInt(match[1]! + fraction.padEnd(PRICE_DECIMALS, "0"));
}

/** Chainlink's integer answer (already 8 decimals). */
function parseAnswer(text: string): bigint | string {
  if (!/^\d+$/.test(text)) return `answer "${text}" is not a whole number (Chainlink's answer: the price × 10^8)`;
  return BigInt(text);
}

/** Unix seconds (an integer; milliseconds refused as such) or an ISO 8601 date or date-time. */
function parseTimestamp(text: string): number | string {
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    if (seconds >= 1e11) return `timestamp ${text} looks like milliseconds: give Unix seconds`;
    return seconds;
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    // A date or a time without a zone is UTC (Date would read a zone-less time as local time).
    const zoned = /^\d{4}-\d{2}-\d{2}$/.test(text) || /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
    const ms = Date.parse(zoned.replace(" ", "T"));
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  return `timestamp "${text}" is neither Unix seconds nor an ISO 8601 date (2021-03-04 or 2021-03-04T12:00:00Z)`;
}

interface RawRow {
  line: number;
  price?: unknown;
  priceKind: "decimal" | "answer";
  time?: unknown;
  roundId?: unknown;
}

function toPoint(file: string, row: RawRow): PricePoint {
  const fail = (reason: string): never => {
    throw new PriceHistoryError(file, row.line, reason);
  };
  if (row.price === undefined || row.price === null || row.price === "") fail("no price");
  const priceText = typeof row.price === "number" ? numberText(row.price) : String(row.price).trim();
  const price = row.priceKind === "answer" ? parseAnswer(priceText) : parseDecimalPrice(priceText);
  if (typeof price === "string") return fail(price);
  if (price <= 0n) fail(`price ${priceText} is not positive (the trader refuses answers <= 0)`);
  if (price > MAX_ANSWER) fail(`price ${priceText} is too large (answers must be below 2^64 in 8 decimals)`);
  const point: PricePoint = { price, line: row.line };
  if (row.time !== undefined && row.time !== null && String(row.time).trim() !== "") {
    const timestamp = parseTimestamp(String(row.time).trim());
    if (typeof timestamp === "string") return fail(timestamp);
    point.timestamp = timestamp;
  }
  if (row.roundId !== undefined && row.roundId !== null && String(row.roundId).trim() !== "") {
    const text = String(row.roundId).trim();
    if (!/^\d+$/.test(text)) fail(`roundId "${text}" is not a whole number`);
    point.roundId = BigInt(text);
  }
  return point;
}

/** A JSON number as its shortest decimal text, refusing exponents (1e-7) that would hide precision. */
function numberText(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(PRICE_DECIMALS + 1) : text;
}

function splitCsvLine(line: string): string[] {
  return line.split(/[,;\t]/).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
}

function csvRows(file: string, text: string): RawRow[] {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  if (first < 0) throw new PriceHistoryError(file, undefined, "no rows (the file is empty)");
  const headerCells = splitCsvLine(lines[first]!).map((c) => c.toLowerCase());
  let priceIndex: number;
  let priceKind: RawRow["priceKind"] = "decimal";
  let timeIndex = -1;
  let roundIndex = -1;
  let start: number;
  if (headerCells.length === 1 && /^[\d.]+$/.test(headerCells[0]!)) {
    // A bare column of closes, no header.
    priceIndex = 0;
    start = first;
  } else {
    priceIndex = headerCells.findIndex((c) => (PRICE_COLUMNS as readonly string[]).includes(c));
    if (priceIndex < 0) {
      throw new PriceHistoryError(
        file,
        first + 1,
        `no price column in the header (${headerCells.join(",")}): name one price, close or answer (answer: Chainlink's integer, 8 decimals)`,
      );
    }
    if (headerCells[priceIndex] === "answer") priceKind = "answer";
    timeIndex = headerCells.findIndex((c) => (TIME_COLUMNS as readonly string[]).includes(c));
    roundIndex = headerCells.indexOf("roundid");
    start = first + 1;
  }
  const rows: RawRow[] = [];
  for (let i = start; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "" || raw.trimStart().startsWith("#")) continue;
    const cells = splitCsvLine(raw);
    if (start > first && cells.length !== headerCells.length) {
      throw new PriceHistoryError(
        file,
        i + 1,
        `${cells.length} columns where the header has ${headerCells.length} (${headerCells.join(",")})`,
      );
    }
    rows.push({
      line: i + 1,
      price: cells[priceIndex],
      priceKind,
      ...(timeIndex >= 0 ? { time: cells[timeIndex] } : {}),
      ...(roundIndex >= 0 ? { roundId: cells[roundIndex] } : {}),
    });
  }
  return rows;
}

/**
 * The offsets where each element of the JSON array at `arrayStart` begins (strings skipped), so
 * an entry's error names its line.
 */
function arrayElementOffsets(text: string, arrayStart: number): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = arrayStart; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 1 && expectElement && c !== "]") {
      offsets.push(i);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === "]" || c === "}") {
      depth--;
      if (depth === 0) break;
    } else if (c === "," && depth === 1) expectElement = true;
  }
  return offsets;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Where JSON.parse stops making sense of `text`: the end of the longest prefix that is still the
 * start of a valid document (V8 names a position for some errors only), found by bisection.
 */
function jsonErrorOffset(text: string): number {
  const validSoFar = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const message = (error as Error).message;
      if (/Unexpected end of JSON input/.test(message)) return true;
      const position = /at position (\d+)/.exec(message);
      return position !== null && Number(position[1]) >= length;
    }
  };
  let [low, high] = [0, text.length]; // validSoFar(low), and !validSoFar(high)
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (validSoFar(mid)) low = mid;
    else high = mid;
  }
  return high - 1;
}

function jsonRows(file: string, text: string): RawRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message
      .replace(/, ".*" is not valid JSON$/s, "")
      .replace(/ in JSON at position \d+.*$/s, "");
    throw new PriceHistoryError(file, lineAt(text, jsonErrorOffset(text)), `not valid JSON (${reason})`);
  }
  let entries: unknown;
  let arrayStart: number;
  if (Array.isArray(parsed)) {
    entries = parsed;
    arrayStart = text.indexOf("[");
  } else if (parsed && typeof parsed === "object" && Array.isArray((parsed as { prices?: unknown }).prices)) {
    entries = (parsed as { prices: unknown[] }).prices;
    arrayStart = text.indexOf("[", text.search(/"prices"\s*:/));
  } else {
    throw new PriceHistoryError(
      file,
      1,
      'expected an array of prices or of rounds ({ "price" | "close" | "answer", "timestamp"?, "roundId"? }), or { "prices": [...] }',
    );
  }
  const offsets = arrayElementOffsets(text, arrayStart);
  return (entries as unknown[]).map((entry, index) => {
    const line = offsets[index] === undefined ? index + 1 : lineAt(text, offsets[index]);
    if (typeof entry === "number" || typeof entry === "string") return { line, price: entry, priceKind: "decimal" };
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      throw new PriceHistoryError(file, line, `entry ${index} is neither a price nor a round object`);
    }
    const record = Object.fromEntries(Object.entries(entry).map(([k, v]) => [k.toLowerCase(), v]));
    const priceKey = PRICE_COLUMNS.find((k) => k in record);
    if (!priceKey) throw new PriceHistoryError(file, line, `entry ${index} has no price, close or answer`);
    const timeKey = TIME_COLUMNS.find((k) => k in record);
    return {
      line,
      price: record[priceKey],
      priceKind: priceKey === "answer" ? "answer" : "decimal",
      ...(timeKey ? { time: record[timeKey] } : {}),
      ...("roundid" in record ? { roundId: record.roundid } : {}),
    } satisfies RawRow;
  });
}

/** Why the points cannot be replayed in this order, if they cannot; and the gaps noticed. */
function checkOrder(file: string, points: PricePoint[], minimum: number): PriceHistory["gaps"] {
  if (points.length < minimum) {
    throw new PriceHistoryError(
      file,
      undefined,
      `${points.length} price${points.length === 1 ? "" : "s"}: a backtest needs at least ${minimum} (a 30-round window, then one round per tick)`,
    );
  }
  const timedCount = points.filter((p) => p.timestamp !== undefined).length;
  if (timedCount > 0 && timedCount < points.length) {
    const missing = points.find((p) => p.timestamp === undefined)!;
    throw new PriceHistoryError(file, missing.line, "no timestamp, where other rows have one");
  }
  const roundCount = points.filter((p) => p.roundId !== undefined).length;
  if (roundCount > 0 && roundCount < points.length) {
    const missing = points.find((p) => p.roundId === undefined)!;
    throw new PriceHistoryError(file, missing.line, "no roundId, where other rows have one");
  }
  const gaps: PriceHistory["gaps"] = [];
  for (let i = 1; i < points.length; i++) {
    const [before, point] = [points[i - 1]!, points[i]!];
    if (point.timestamp !== undefined && before.timestamp !== undefined) {
      if (point.timestamp === before.timestamp) {
        throw new PriceHistoryError(
          file,
          point.line,
          `duplicate timestamp ${iso(point.timestamp)} (line ${before.line} has it too): remove the duplicate row`,
        );
      }
      if (point.timestamp < before.timestamp) {
        throw new PriceHistoryError(
          file,
          point.line,
          `timestamp ${iso(point.timestamp)} is before line ${before.line}'s (${iso(before.timestamp)}): rows must be in time order`,
        );
      }
    }
    if (point.roundId !== undefined && before.roundId !== undefined) {
      if (point.roundId <= before.roundId) {
        throw new PriceHistoryError(
          file,
          point.line,
          `roundId ${point.roundId} does not increase (line ${before.line} has ${before.roundId})`,
        );
      }
      if (point.roundId > before.roundId + 1n)
        gaps.push({ line: point.line, missingRounds: point.roundId - before.roundId - 1n });
    }
  }
  if (timedCount === points.length) {
    const intervals = points.slice(1).map((p, i) => p.timestamp! - points[i]!.timestamp!);
    const median = [...intervals].sort((a, b) => a - b)[Math.floor(intervals.length / 2)]!;
    intervals.forEach((seconds, i) => {
      if (seconds > 3 * median) gaps.push({ line: points[i + 1]!.line, seconds });
    });
    gaps.sort((a, b) => a.line - b.line);
  }
  return gaps;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * Parses a price history: CSV (a header naming `price`, `close` or `answer`, and optionally
 * `timestamp`/`updatedAt`/`time`/`date` and `roundId`; or a bare column of closes) or JSON (an
 * array of prices or of round objects with those keys, or `{ "prices": [...] }`). Prices are
 * decimal USD, except `answer`: Chainlink's integer with 8 decimals. Timestamps are Unix seconds
 * or ISO 8601 dates (UTC when no zone is given).
 *
 * Refused, each with the file, the line and the reason: a row that does not parse, a price that
 * is not positive or has more than 8 decimals, duplicate or decreasing timestamps or round ids,
 * rows with and without timestamps mixed, fewer than `minimum` rows. Kept and reported: gaps
 * (an interval over 3× the median, a jump in round ids).
 */
export function parsePriceHistory(text: string, file: string, minimum = 30): PriceHistory {
  const isJson = extname(file).toLowerCase() === ".json" || /^\s*[[{]/.test(text);
  const rows = isJson ? jsonRows(file, text) : csvRows(file, text);
  const points = rows.map((row) => toPoint(file, row));
  const gaps = checkOrder(file, points, minimum);
  return { file, points, timed: points.every((p) => p.timestamp !== undefined), gaps };
}

/** Reads and parses a price history file (see parsePriceHistory); an unreadable file is a PriceHistoryError naming its full path. */
export function readPriceHistory(file: string, minimum = 30): PriceHistory {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PriceHistoryError(path, undefined, `cannot read it: ${fileErrorReason(error)}`);
  }
  return parsePriceHistory(text, path, minimum);
}

/** The file's name for labels ("eth-usd-sample.csv"). */
export function historyLabel(history: PriceHistory): string {
  return basename(history.file);
}
