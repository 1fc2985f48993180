import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import {
  assertGgufFile,
  createTinyModel,
  MarketDataError,
  ModelFileError,
  readFeedWindow,
  SignalModel,
  WindowUnavailableError,
  type AggregatorV3Interface,
} from "../src/index.ts";

/** A fake Chainlink proxy: phase p's round r has id p << 64 | r; `missing` rounds have updatedAt 0. */
function fakeFeed(
  phases: Record<number, number>,
  missing: bigint[] = [],
  answers: Record<string, bigint> = {},
): AggregatorV3Interface {
  const lastPhase = Math.max(...Object.keys(phases).map(Number));
  const id = (phase: number, round: number) => (BigInt(phase) << 64n) | BigInt(round);
  const row = (roundId: bigint) => {
    const answer = answers[roundId.toString()] ?? 1000n + (roundId & 0xffffn) + (roundId >> 64n) * 100n;
    return [roundId, answer, 1n, missing.includes(roundId) ? 0n : 1n, roundId] as const;
  };
  return {
    latestRoundData: async () => row(id(lastPhase, phases[lastPhase]!)),
    getRoundData: async (roundId) => row(roundId),
  };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe("reading the feed's window exactly as the chain will accept it (WindowLog.sol)", () => {
  it("is the 30 consecutive rounds ending at the latest, oldest first", async () => {
    const window = await readFeedWindow(fakeFeed({ 1: 40, 2: 35 }), 30);
    expect(window.rounds.map((r) => r.roundId)).to.deep.equal(
      Array.from({ length: 30 }, (_, i) => (2n << 64n) | BigInt(6 + i)),
    );
    expect(window.roundId).to.equal((2n << 64n) | 35n);
  });

  it("refuses a window that would cross a phase boundary, saying when trading resumes", async () => {
    const error = await refusal(readFeedWindow(fakeFeed({ 1: 40, 2: 29 }), 30));
    expect(error).to.be.instanceOf(WindowUnavailableError);
    expect((error as Error).message).to.match(/round 29 of its phase.*cross a phase boundary.*30 rounds/);
  });

  it("refuses a window holding a round with no data (no round is skipped)", async () => {
    const gap = (1n << 64n) | 35n;
    const error = await refusal(readFeedWindow(fakeFeed({ 1: 40 }, [gap]), 30));
    expect(error).to.be.instanceOf(WindowUnavailableError);
    expect((error as Error).message).to.match(new RegExp(`round ${gap} has no data`));
  });

  it("refuses an answer outside (0, 2^64), which no proof can carry", async () => {
    for (const answer of [0n, 2n ** 64n]) {
      const round = (1n << 64n) | 40n;
      const error = await refusal(readFeedWindow(fakeFeed({ 1: 40 }, [], { [round.toString()]: answer }), 30));
      expect(error).to.be.instanceOf(WindowUnavailableError);
      expect((error as Error).message).to.match(/outside the provable/);
    }
  });

  it("reads the window ending at a given round (the auditor's view of a past trade)", async () => {
    const window = await readFeedWindow(fakeFeed({ 1: 90 }), 30, { endingAt: (1n << 64n) | 50n });
    expect(window.rounds[0]!.roundId).to.equal((1n << 64n) | 21n);
    expect(window.roundId).to.equal((1n << 64n) | 50n);
  });

  it("asks for the earlier rounds all at once (one JSON-RPC batch, one round trip to a remote node)", async () => {
    const feed = fakeFeed({ 1: 40 });
    let inFlight = 0;
    let mostInFlight = 0;
    const concurrent: AggregatorV3Interface = {
      latestRoundData: feed.latestRoundData,
      getRoundData: async (roundId) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return feed.getRoundData(roundId);
      },
    };
    const window = await readFeedWindow(concurrent, 30);
    expect(mostInFlight).to.equal(29);
    expect(window.prices).to.deep.equal((await readFeedWindow(feed, 30)).prices);
  });

  it("says so when the feed is too short (a MarketDataError the operator can act on)", async () => {
    const error = await refusal(readFeedWindow(fakeFeed({ 1: 12 }), 30));
    expect(error).to.be.instanceOf(MarketDataError);
  });
});

describe("model files: clear errors before native code sees them", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "zkagent-model-"));

  it("a missing file", async () => {
    const error = await assertGgufFile(join(dir, "absent.gguf")).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ModelFileError);
    expect((error as Error).message).to.match(/no such file.*--model/);
  });

  it("a file that is not GGUF", async () => {
    writeFileSync(join(dir, "weights.bin"), "PK\u0003\u0004 definitely a zip");
    await assertGgufFile(join(dir, "weights.bin")).then(
      () => expect.fail("accepted a non-GGUF file"),
      (e: Error) => expect(e.message).to.match(/not a GGUF file/),
    );
  });

  it("a GGUF header with a version llama.cpp cannot read", async () => {
    const bytes = createTinyModel();
    new DataView(bytes.buffer).setUint32(4, 99, true);
    writeFileSync(join(dir, "future.gguf"), bytes);
    await assertGgufFile(join(dir, "future.gguf")).then(
      () => expect.fail("accepted version 99"),
      (e: Error) => expect(e.message).to.match(/version 99/),
    );
  });

  it("a truncated GGUF (valid header, missing tensors) is a ModelFileError, not a crash", async () => {
    writeFileSync(join(dir, "truncated.gguf"), createTinyModel().subarray(0, 4096));
    const error = await SignalModel.load({ modelPath: join(dir, "truncated.gguf"), threads: 1 }).then(
      async (m) => {
        await m.dispose();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ModelFileError);
  });

  for (const [field, offset] of [
    ["tensor count", 8],
    ["metadata key count", 16],
  ] as const) {
    it(`a hostile GGUF claiming 2^62 as its ${field} is refused for it before llama.cpp sees it`, async () => {
      const bytes = createTinyModel();
      new DataView(bytes.buffer).setBigUint64(offset, 1n << 62n, true);
      writeFileSync(join(dir, "hostile.gguf"), bytes);
      const error = await assertGgufFile(join(dir, "hostile.gguf")).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ModelFileError);
      expect((error as Error).message).to.match(/corrupt or hostile/);
      // refused for its count, read first, not later for running out of file
      expect((error as Error).message).to.include(
        `${1n << 62n} ${field === "tensor count" ? "tensors" : "metadata keys"}`,
      );
    });
  }

  it("a hostile GGUF with a 1 TiB metadata key length is a ModelFileError, not an allocation crash", async () => {
    const bytes = createTinyModel();
    new DataView(bytes.buffer).setBigUint64(24, 1n << 40n, true); // the first key's length
    writeFileSync(join(dir, "huge-key.gguf"), bytes);
    const error = await SignalModel.load({ modelPath: join(dir, "huge-key.gguf"), threads: 1 }).then(
      async (m) => {
        await m.dispose();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ModelFileError);
  });

  it("the bundled tiny model is byte-for-byte reproducible (its modelHash is stable)", () => {
    expect(Buffer.from(createTinyModel()).equals(Buffer.from(createTinyModel()))).to.equal(true);
    expect(Buffer.from(createTinyModel(1)).equals(Buffer.from(createTinyModel(2)))).to.equal(false);
  });
});
