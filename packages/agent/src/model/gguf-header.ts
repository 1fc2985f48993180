import type { FileHandle } from "node:fs/promises";

import { ModelFileError } from "../errors.ts";

/*
 * Bounds on what a GGUF header may declare (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md).
 * node-llama-cpp's reader allocates whatever a length field says before comparing it with the file
 * (a 3 GiB string aborts the process), then turns every value into a JS value; llama.cpp reads the
 * header again. So every length is checked here first: against a bound no real model comes near,
 * and against the bytes left in the file.
 */

/** The GGUF spec caps keys at 2^16 − 1 bytes; real ones are under 100 ("tokenizer.ggml.pre"). */
const MAX_KEY_BYTES = 0xffff;
/**
 * Chat templates and licences are tens of KB; the largest real string is a whole HF tokenizer.json,
 * which the spec allows as `tokenizer.huggingface.json` (Gemma's is 33 MB).
 */
const MAX_STRING_BYTES = 64 * 1024 * 1024;
/**
 * Elements in all arrays together. Real tokenizers have under a million (Gemma 3: 3 × 262 144;
 * Llama 3: 128 256 tokens, 280 147 merges). node-llama-cpp makes each a JS value: at this limit a
 * hostile header costs it ~7 s and ~0.7 GB (measured), not an out-of-memory abort (2^24: 16 s,
 * 1.4 GB).
 */
const MAX_ARRAY_ELEMENTS = 1 << 23;
/** llama.cpp's GGML_MAX_NAME is 64 bytes with the terminating NUL; it refuses longer names itself. */
const MAX_TENSOR_NAME_BYTES = 63;
/** GGML_MAX_DIMS. */
const MAX_TENSOR_DIMS = 4;
/** Far above any real model (a 405B llama has ~1 100 tensors and ~40 metadata keys). */
const MAX_TENSORS = 1n << 20n;
const MAX_METADATA_KEYS = 1n << 20n;
/**
 * Metadata and tensor infos of a real model take under 20 MB, nearly all of it the tokenizer's
 * arrays (~50 MB with an embedded tokenizer.json). The walk never reads past this, nor any tensor
 * data, so checking a 100 GB model stays cheap.
 */
const MAX_HEADER_BYTES = 128 * 1024 * 1024;
/** Read size; above MAX_KEY_BYTES, so a key or tensor name is always read from one chunk. */
const CHUNK_BYTES = 1024 * 1024;

const STRING = 8;
const ARRAY = 9;
/** Byte size of each fixed-size GGUF value type, by type id; 0 for STRING and ARRAY. */
const FIXED_VALUE_BYTES = [1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8] as const;
const VALUE_TYPE_NAMES = "0–12 (UINT8 … FLOAT64)";

function isValueType(type: number): boolean {
  return type < FIXED_VALUE_BYTES.length;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** Reads a GGUF header front to back, a chunk at a time, never past the file or the header cap. */
class HeaderReader {
  offset = 0;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkStart = 0;
  private chunkEnd = 0;
  /** Where the walk must stop: the end of the file or the header cap, whichever comes first. */
  private readonly end: number;

  constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly fileSize: number,
  ) {
    this.end = Math.min(fileSize, MAX_HEADER_BYTES);
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Where the bytes run out, for messages. */
  private get whereItEnds(): string {
    return this.end < this.fileSize
      ? `before the ${MAX_HEADER_BYTES / 2 ** 20} MiB cap on a GGUF header`
      : `in the file (${this.fileSize} bytes)`;
  }

  /** A `ModelFileError` naming the file and `detail`. */
  corrupt(detail: string): ModelFileError {
    return new ModelFileError(`${this.path} is corrupt or hostile: ${detail}. Use a model from a source you trust.`);
  }

  async u32(field: () => string): Promise<number> {
    if (this.offset + 4 > this.chunkEnd) await this.fill(4, field);
    const value = this.chunk.readUInt32LE(this.offset - this.chunkStart);
    this.offset += 4;
    return value;
  }

  async u64(field: () => string): Promise<bigint> {
    if (this.offset + 8 > this.chunkEnd) await this.fill(8, field);
    const value = this.chunk.readBigUInt64LE(this.offset - this.chunkStart);
    this.offset += 8;
    return value;
  }

  /** `length` bytes as text; `length` ≤ CHUNK_BYTES. */
  async text(length: number, field: () => string): Promise<string> {
    if (this.offset + length > this.chunkEnd) await this.fill(length, field);
    const start = this.offset - this.chunkStart;
    this.offset += length;
    return this.chunk.toString("utf8", start, start + length);
  }

  /**
   * Steps over `count` length-prefixed strings. The hot loop of a real header (vocabularies and
   * merges are most of it), so it awaits only to read the next chunk.
   */
  async skipStrings(count: number, field: (index: number) => string): Promise<void> {
    for (let index = 0; index < count; index++) {
      const at = this.offset;
      if (at + 8 > this.chunkEnd) await this.fill(8, () => field(index));
      const length = this.chunk.readBigUInt64LE(at - this.chunkStart);
      this.offset += 8;
      this.skip(
        this.checkLength(length, at, MAX_STRING_BYTES, () => field(index)),
        () => field(index),
      );
    }
  }

  skip(bytes: number, field: () => string): void {
    if (bytes > this.remaining) throw this.runsOut(bytes, field);
    this.offset += bytes;
  }

  /**
   * Checks a u64 length read at byte `at` against `limit` and against the bytes left (each unit
   * taking at least `minUnitBytes`), and returns it as a number.
   */
  checkLength(
    declared: bigint,
    at: number,
    limit: number,
    field: () => string,
    unit = "bytes",
    minUnitBytes = 1,
  ): number {
    if (declared > BigInt(limit)) {
      throw this.corrupt(`${field()} (u64 at byte ${at}) declares ${declared} ${unit}; the limit is ${limit} ${unit}`);
    }
    const length = Number(declared);
    if (length * minUnitBytes > this.remaining) {
      const each = minUnitBytes > 1 ? ` of at least ${minUnitBytes} bytes each` : "";
      throw this.corrupt(
        `${field()} (u64 at byte ${at}) declares ${declared} ${unit}${each}, but only ${this.remaining} bytes remain ${this.whereItEnds}`,
      );
    }
    return length;
  }

  private runsOut(bytes: number, field: () => string): ModelFileError {
    return this.corrupt(
      `${field()} at byte ${this.offset} needs ${bytes} bytes, but only ${this.remaining} remain ${this.whereItEnds}`,
    );
  }

  private async fill(bytes: number, field: () => string): Promise<void> {
    if (bytes > this.remaining) throw this.runsOut(bytes, field);
    const { bytesRead } = await this.handle.read(this.chunk, 0, Math.min(CHUNK_BYTES, this.remaining), this.offset);
    this.chunkStart = this.offset;
    this.chunkEnd = this.offset + bytesRead;
    if (bytesRead < bytes) throw this.corrupt(`the file shrank while it was read (at byte ${this.offset})`);
  }
}

/** Reads a length-prefixed string of at most `limit` bytes and returns its text (for messages). */
async function readBoundedString(reader: HeaderReader, limit: number, field: () => string): Promise<string> {
  const at = reader.offset;
  const length = reader.checkLength(await reader.u64(field), at, limit, field);
  return reader.text(length, field);
}

/** Steps over an array value of at most `budget` elements; returns its length. */
async function walkArray(reader: HeaderReader, key: string, budget: number): Promise<number> {
  const typeAt = reader.offset;
  const elementType = await reader.u32(() => `the element type of array ${key}`);
  if (elementType === ARRAY) {
    throw reader.corrupt(`array ${key} (element type at byte ${typeAt}) holds arrays, which llama.cpp does not read`);
  }
  if (!isValueType(elementType)) {
    throw reader.corrupt(
      `array ${key} (element type at byte ${typeAt}) has element type ${elementType}; GGUF types are ${VALUE_TYPE_NAMES}`,
    );
  }
  const lengthField = () => `the length of array ${key}`;
  const lengthAt = reader.offset;
  const elementBytes = elementType === STRING ? 8 : FIXED_VALUE_BYTES[elementType]!;
  const declared = await reader.u64(lengthField);
  if (declared > BigInt(budget)) {
    const earlier = MAX_ARRAY_ELEMENTS - budget;
    throw reader.corrupt(
      `${lengthField()} (u64 at byte ${lengthAt}) declares ${declared} elements; the limit is ${MAX_ARRAY_ELEMENTS} ` +
        `elements in all arrays together${earlier > 0 ? `, ${earlier} of them in earlier arrays` : ""}`,
    );
  }
  const count = reader.checkLength(declared, lengthAt, budget, lengthField, "elements", elementBytes);
  if (elementType === STRING) {
    await reader.skipStrings(count, (index) => `the string length of element ${index} of array ${key}`);
  } else {
    reader.skip(count * elementBytes, lengthField);
  }
  return count;
}

/** Steps over metadata key-value `index`; returns how many array elements it holds. */
async function walkKeyValue(reader: HeaderReader, index: number, arrayBudget: number): Promise<number> {
  const key = quote(await readBoundedString(reader, MAX_KEY_BYTES, () => `the length of metadata key #${index}`));
  const typeAt = reader.offset;
  const type = await reader.u32(() => `the value type of ${key}`);
  if (type === ARRAY) return walkArray(reader, key, arrayBudget);
  if (!isValueType(type)) {
    throw reader.corrupt(`${key} (value type at byte ${typeAt}) has type ${type}; GGUF types are ${VALUE_TYPE_NAMES}`);
  }
  if (type === STRING) await reader.skipStrings(1, () => `the string length of ${key}`);
  else reader.skip(FIXED_VALUE_BYTES[type]!, () => `the value of ${key}`);
  return 0;
}

async function walkTensorInfo(reader: HeaderReader, index: number): Promise<void> {
  const name = quote(
    await readBoundedString(reader, MAX_TENSOR_NAME_BYTES, () => `the name length of tensor #${index}`),
  );
  const dimsAt = reader.offset;
  const dims = await reader.u32(() => `n_dims of tensor ${name}`);
  if (dims > MAX_TENSOR_DIMS) {
    throw reader.corrupt(
      `tensor ${name} (n_dims at byte ${dimsAt}) has ${dims} dimensions; ggml allows at most ${MAX_TENSOR_DIMS}`,
    );
  }
  // Every ggml type takes at least one bit per element (IQ1_S: 1.56), so the data of a tensor
  // cannot hold more elements than the file has bits.
  const maxElements = 8n * BigInt(reader.fileSize);
  let elements = 1n;
  for (let dim = 0; dim < dims; dim++) {
    const at = reader.offset;
    const extent = await reader.u64(() => `dimension ${dim} of tensor ${name}`);
    elements *= extent;
    if (extent > maxElements || elements > maxElements) {
      throw reader.corrupt(
        `dimension ${dim} of tensor ${name} (u64 at byte ${at}) is ${extent}, making ${elements} elements so far: ` +
          `more than the file's ${reader.fileSize} bytes hold even at one bit per element`,
      );
    }
  }
  reader.skip(4 + 8, () => `the type and data offset of tensor ${name}`);
}

/**
 * Walks the header of the GGUF file open as `handle` (magic, version, counts, every metadata key
 * and value, every tensor info) and throws a `ModelFileError` unless each length it declares is
 * within sane bounds and within the file, and each value type is a GGUF type. Reads at most the
 * header, in {@link CHUNK_BYTES} chunks, and never allocates a declared length.
 */
export async function assertGgufHeaderBounded(handle: FileHandle, path: string): Promise<void> {
  const { size } = await handle.stat();
  const reader = new HeaderReader(handle, path, size);
  if (size < 8 || (await reader.text(4, () => "magic")) !== "GGUF") {
    throw new ModelFileError(`${path} is not a GGUF file (it does not start with "GGUF"): pass a .gguf model.`);
  }
  const version = await reader.u32(() => "version");
  if (version < 2 || version > 3) {
    throw new ModelFileError(`${path} is GGUF version ${version}; llama.cpp reads versions 2 and 3.`);
  }
  if (size < 24) throw new ModelFileError(`${path} is truncated inside its GGUF header.`);
  const tensors = await reader.u64(() => "tensor count");
  const keys = await reader.u64(() => "metadata key count");
  if (tensors > MAX_TENSORS || keys > MAX_METADATA_KEYS) {
    throw new ModelFileError(
      `${path} claims ${tensors} tensors and ${keys} metadata keys (at most ${MAX_TENSORS} of each): the file is corrupt or hostile; use a model from a source you trust.`,
    );
  }
  let arrayElements = 0;
  for (let index = 0; index < Number(keys); index++) {
    arrayElements += await walkKeyValue(reader, index, MAX_ARRAY_ELEMENTS - arrayElements);
  }
  for (let index = 0; index < Number(tensors); index++) await walkTensorInfo(reader, index);
}
