import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";

import { assertGgufFile, createTinyModel, ensureTinyModel, ModelFileError } from "../src/index.ts";
import { writeGguf } from "../src/model/gguf-writer.ts";

const GiB = 1n << 30n;
const MiB = 1n << 20n;
const dir = mkdtempSync(join(tmpdir(), "zkagent-gguf-"));
const tinyModel = Buffer.from(createTinyModel());

/** Where a field sits in the tiny model: `shift` bytes from the first occurrence of `marker`. */
function offsetOf(marker: string, shift: number): number {
  const index = tinyModel.indexOf(marker, 0, "latin1");
  if (index < 0) throw new Error(`${marker} is not in the tiny model`);
  return index + shift;
}

/** The tiny model with one u32 or u64 field overwritten, written to `<name>.gguf`. */
function tinyModelWith(name: string, at: number, value: { u32: number } | { u64: bigint }): string {
  const bytes = Buffer.from(tinyModel);
  if ("u64" in value) bytes.writeBigUInt64LE(value.u64, at);
  else bytes.writeUInt32LE(value.u32, at);
  const path = join(dir, `${name}.gguf`);
  writeFileSync(path, bytes);
  return path;
}

/** The ModelFileError `assertGgufFile` throws for `path`, after checking it came fast. */
async function refusal(path: string): Promise<ModelFileError> {
  const started = performance.now();
  const error = await assertGgufFile(path).then(
    () => expect.fail(`accepted ${path}`),
    (e: unknown) => e,
  );
  expect(performance.now() - started).to.be.below(1_000);
  expect(error).to.be.instanceOf(ModelFileError);
  return error as ModelFileError;
}

const keyLength = 24; // the first key's length, right after the header
const nameLength = offsetOf("zkagent tiny stand-in", -8); // general.name's string length
const tokensLength = offsetOf("tokenizer.ggml.tokens", 21 + 4 + 4); // after the key, ARRAY, STRING
const scoresType = offsetOf("tokenizer.ggml.scores", 21 + 4); // after the key, ARRAY
const scoresLength = scoresType + 4;
const token0x41Length = offsetOf("<0x41>", -8); // element 3 + 0x41 of the tokens
const alignmentType = offsetOf("general.alignment", 17);
const tensorNameLength = offsetOf("output_norm.weight", -8); // tensor #1
const tensorDims = offsetOf("output_norm.weight", 18);
const size = tinyModel.length;

describe("GGUF headers: every declared length bounded before llama.cpp reads it", function () {
  this.timeout(60_000);

  const cases: { refuses: string; at: number; value: { u32: number } | { u64: bigint }; message: string }[] = [
    {
      refuses: "a 4 GiB metadata key",
      at: keyLength,
      value: { u64: 4n * GiB },
      message: `the length of metadata key #0 (u64 at byte ${keyLength}) declares 4294967296 bytes; the limit is 65535 bytes`,
    },
    {
      refuses: "a 3 GiB string value",
      at: nameLength,
      value: { u64: 3n * GiB },
      message: `the string length of "general.name" (u64 at byte ${nameLength}) declares 3221225472 bytes; the limit is 67108864 bytes`,
    },
    {
      refuses: "a string value within the bound but longer than the rest of the file",
      at: nameLength,
      value: { u64: 60n * MiB },
      message:
        `the string length of "general.name" (u64 at byte ${nameLength}) declares 62914560 bytes, ` +
        `but only ${size - nameLength - 8} bytes remain in the file (${size} bytes)`,
    },
    {
      refuses: "an array of 2^32 elements",
      at: tokensLength,
      value: { u64: 1n << 32n },
      message: `the length of array "tokenizer.ggml.tokens" (u64 at byte ${tokensLength}) declares 4294967296 elements; the limit is 8388608 elements in all arrays together`,
    },
    {
      refuses: "an array within the bound but longer than the rest of the file",
      at: tokensLength,
      value: { u64: 1_000_000n },
      message:
        `the length of array "tokenizer.ggml.tokens" (u64 at byte ${tokensLength}) declares 1000000 elements of at least 8 bytes each, ` +
        `but only ${size - tokensLength - 8} bytes remain in the file (${size} bytes)`,
    },
    {
      refuses: "arrays that together exceed the element limit",
      at: scoresLength,
      value: { u64: 8_388_500n },
      message: `the length of array "tokenizer.ggml.scores" (u64 at byte ${scoresLength}) declares 8388500 elements; the limit is 8388608 elements in all arrays together, 260 of them in earlier arrays`,
    },
    {
      refuses: "a 3 GiB string inside an array of strings",
      at: token0x41Length,
      value: { u64: 3n * GiB },
      message: `the string length of element 68 of array "tokenizer.ggml.tokens" (u64 at byte ${token0x41Length}) declares 3221225472 bytes; the limit is 67108864 bytes`,
    },
    {
      refuses: "a 4 GiB tensor name",
      at: tensorNameLength,
      value: { u64: 4n * GiB },
      message: `the name length of tensor #1 (u64 at byte ${tensorNameLength}) declares 4294967296 bytes; the limit is 63 bytes`,
    },
    {
      refuses: "a tensor with 2^32 − 1 dimensions",
      at: tensorDims,
      value: { u32: 0xffff_ffff },
      message: `tensor "output_norm.weight" (n_dims at byte ${tensorDims}) has 4294967295 dimensions; ggml allows at most 4`,
    },
    {
      refuses: "a tensor dimension of 2^62",
      at: tensorDims + 4,
      value: { u64: 1n << 62n },
      message:
        `dimension 0 of tensor "output_norm.weight" (u64 at byte ${tensorDims + 4}) is 4611686018427387904, ` +
        `making 4611686018427387904 elements so far: more than the file's ${size} bytes hold even at one bit per element`,
    },
    {
      refuses: "an unknown value type",
      at: alignmentType,
      value: { u32: 13 },
      message: `"general.alignment" (value type at byte ${alignmentType}) has type 13; GGUF types are 0–12 (UINT8 … FLOAT64)`,
    },
    {
      refuses: "an unknown array element type",
      at: scoresType,
      value: { u32: 99 },
      message: `array "tokenizer.ggml.scores" (element type at byte ${scoresType}) has element type 99; GGUF types are 0–12`,
    },
    {
      refuses: "an array of arrays (llama.cpp reads none; node-llama-cpp spent 28 s on one)",
      at: scoresType,
      value: { u32: 9 },
      message: `array "tokenizer.ggml.scores" (element type at byte ${scoresType}) holds arrays, which llama.cpp does not read`,
    },
  ];
  for (const [index, { refuses, at, value, message }] of cases.entries()) {
    it(`refuses ${refuses}, naming the field, its length, the bound and the offset`, async () => {
      const error = await refusal(tinyModelWith(`hostile-${index}`, at, value));
      expect(error.message).to.include(message);
      expect(error.message).to.match(/corrupt or hostile.*Use a model from a source you trust\.$/);
    });
  }

  it("refuses a file cut off inside its tensor infos", async () => {
    const path = join(dir, "cut.gguf");
    writeFileSync(path, tinyModel.subarray(0, tensorDims + 4 + 3));
    expect((await refusal(path)).message).to.include(
      `dimension 0 of tensor "output_norm.weight" at byte ${tensorDims + 4} needs 8 bytes, but only 3 remain in the file (${tensorDims + 7} bytes)`,
    );
  });

  it("checks every part of a split model, since node-llama-cpp and llama.cpp open them all", async () => {
    const first = join(dir, "split-00001-of-00002.gguf");
    copyFileSync(ensureTinyModel(dir), first);
    expect((await refusal(first)).message).to.match(
      /cannot read model file .*split-00002-of-00002\.gguf: no such file/,
    );
    tinyModelWith("split-00002-of-00002", keyLength, { u64: 4n * GiB });
    expect((await refusal(first)).message).to.match(
      /split-00002-of-00002\.gguf is corrupt or hostile: the length of metadata key #0/,
    );
  });

  it("accepts the bundled tiny model", async () => {
    await assertGgufFile(ensureTinyModel(dir));
  });

  it("checks a real-size tokenizer (262 144 tokens, 280 000 merges, a 40 KB chat template) in well under a second", async () => {
    const tokens = Array.from({ length: 262_144 }, (_, index) => `token${index}`);
    const path = join(dir, "real-size.gguf");
    writeFileSync(
      path,
      writeGguf(
        {
          "general.architecture": { type: "string", value: "llama" },
          "tokenizer.chat_template": { type: "string", value: "{{ messages }}".repeat(3_000) },
          "tokenizer.ggml.tokens": { type: "string[]", value: tokens },
          "tokenizer.ggml.scores": { type: "f32[]", value: tokens.map(() => 0) },
          "tokenizer.ggml.token_type": { type: "i32[]", value: tokens.map(() => 1) },
          "tokenizer.ggml.merges": {
            type: "string[]",
            value: Array.from({ length: 280_000 }, (_, index) => `a${index} b${index}`),
          },
        },
        [{ name: "output_norm.weight", dims: [64], data: new Float32Array(64) }],
      ),
    );
    const started = performance.now();
    await assertGgufFile(path);
    expect(performance.now() - started).to.be.below(1_000);
  });

  it("SignalModel.load refuses hostile files with a ModelFileError before loading llama.cpp, in a process that then exits normally", async () => {
    const hostile = [
      tinyModelWith("load-key", keyLength, { u64: 4n * GiB }),
      tinyModelWith("load-string", nameLength, { u64: 3n * GiB }),
    ];
    // Records every native addon and child process the probe starts, then loads each hostile file
    // and, as a control, the good tiny model (which must load llama.cpp's addon, or the probe proves nothing).
    const probe = join(dir, "load-probe.mjs");
    writeFileSync(
      probe,
      `import { createRequire, syncBuiltinESMExports } from "node:module";
      const addons = [];
      const children = [];
      const dlopen = process.dlopen;
      process.dlopen = (module, filename, ...rest) => { addons.push(filename); return dlopen.call(process, module, filename, ...rest); };
      const childProcess = createRequire(import.meta.url)("node:child_process");
      for (const name of ["spawn", "fork", "execFile", "exec"]) {
        const start = childProcess[name];
        childProcess[name] = (...args) => { children.push(name); return start.apply(childProcess, args); };
      }
      syncBuiltinESMExports();
      const { SignalModel } = await import(${JSON.stringify(new URL("../src/index.ts", import.meta.url).href)});
      for (const modelPath of JSON.parse(process.env.MODEL_PATHS)) {
        const started = performance.now();
        const outcome = await SignalModel.load({ modelPath, threads: 1 }).then(
          async (model) => { await model.dispose(); return { loaded: true }; },
          (error) => ({ name: error.name, message: error.message }),
        );
        console.log(JSON.stringify({ ...outcome, ms: performance.now() - started, addons, children }));
      }`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", probe], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, MODEL_PATHS: JSON.stringify([...hostile, ensureTinyModel(dir)]) },
    });
    const outcomes = stdout
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as {
            loaded?: true;
            name?: string;
            message?: string;
            ms: number;
            addons: string[];
            children: string[];
          },
      );
    expect(outcomes).to.have.length(3);
    for (const outcome of outcomes.slice(0, 2)) {
      expect(outcome.name).to.equal("ModelFileError");
      expect(outcome.message).to.match(/declares (4294967296|3221225472) bytes; the limit is/);
      expect(outcome.ms).to.be.below(1_000);
      expect(outcome.addons).to.deep.equal([]);
      expect(outcome.children).to.deep.equal([]);
    }
    expect(outcomes[2]!.loaded).to.equal(true);
    expect(outcomes[2]!.addons.some((addon) => /llama/i.test(addon))).to.equal(true);
  });
});
