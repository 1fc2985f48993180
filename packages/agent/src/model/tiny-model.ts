import { seededRandom } from "@zkagent/circuits";

import { writeGguf, type MetadataValue, type Tensor } from "./gguf-writer.ts";

/**
 * The bundled tiny model: a llama-architecture GGUF with seeded random weights
 * (64-dim, 2 layers, a byte-level vocabulary). It is a stand-in that exercises
 * the real GGUF loading and inference path of node-llama-cpp; it knows nothing
 * about markets. The same seed always yields the same bytes, so its modelHash
 * is stable and can be registered on-chain.
 */
export const TINY_MODEL_SEED = 20261121;

const N_EMBD = 64;
const N_LAYER = 2;
const N_HEAD = 4;
const N_FF = 128;
const CONTEXT = 2048;

/** <unk>, <s>, </s>, the 256 byte tokens and "▁": SentencePiece falls back to bytes for everything. */
function vocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3]; // UNKNOWN, CONTROL, CONTROL
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6); // BYTE
  }
  tokens.push("\u2581");
  types.push(1); // NORMAL
  return { tokens, scores: tokens.map(() => 0), types };
}

/**
 * The tiny model's GGUF bytes for `seed` (deterministic). With `chatTemplate`, the file also
 * carries `tokenizer.chat_template`, as an instruct model's does (tests of the chat path); the
 * bundled model has none, and its bytes do not change.
 */
export function createTinyModel(seed = TINY_MODEL_SEED, options: { chatTemplate?: string } = {}): Uint8Array {
  const random = seededRandom(seed);
  const { tokens, scores, types } = vocabulary();
  const nVocab = tokens.length;
  const weights = (dims: number[], scale: number): Float32Array => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * scale;
    return data;
  };
  const ones = (n: number) => new Float32Array(n).fill(1);
  const scale = 1 / Math.sqrt(N_EMBD);

  const tensors: Tensor[] = [
    { name: "token_embd.weight", dims: [N_EMBD, nVocab], data: weights([N_EMBD, nVocab], 1) },
    { name: "output_norm.weight", dims: [N_EMBD], data: ones(N_EMBD) },
    { name: "output.weight", dims: [N_EMBD, nVocab], data: weights([N_EMBD, nVocab], scale) },
  ];
  for (let layer = 0; layer < N_LAYER; layer++) {
    const p = `blk.${layer}`;
    tensors.push(
      { name: `${p}.attn_norm.weight`, dims: [N_EMBD], data: ones(N_EMBD) },
      { name: `${p}.attn_q.weight`, dims: [N_EMBD, N_EMBD], data: weights([N_EMBD, N_EMBD], scale) },
      { name: `${p}.attn_k.weight`, dims: [N_EMBD, N_EMBD], data: weights([N_EMBD, N_EMBD], scale) },
      { name: `${p}.attn_v.weight`, dims: [N_EMBD, N_EMBD], data: weights([N_EMBD, N_EMBD], scale) },
      { name: `${p}.attn_output.weight`, dims: [N_EMBD, N_EMBD], data: weights([N_EMBD, N_EMBD], scale) },
      { name: `${p}.ffn_norm.weight`, dims: [N_EMBD], data: ones(N_EMBD) },
      { name: `${p}.ffn_gate.weight`, dims: [N_EMBD, N_FF], data: weights([N_EMBD, N_FF], scale) },
      { name: `${p}.ffn_up.weight`, dims: [N_EMBD, N_FF], data: weights([N_EMBD, N_FF], scale) },
      { name: `${p}.ffn_down.weight`, dims: [N_FF, N_EMBD], data: weights([N_FF, N_EMBD], 1 / Math.sqrt(N_FF)) },
    );
  }

  const metadata: Record<string, MetadataValue> = {
    "general.architecture": { type: "string", value: "llama" },
    "general.name": { type: "string", value: `zkagent tiny stand-in (seed ${seed})` },
    "general.alignment": { type: "u32", value: 32 },
    "llama.context_length": { type: "u32", value: CONTEXT },
    "llama.embedding_length": { type: "u32", value: N_EMBD },
    "llama.block_count": { type: "u32", value: N_LAYER },
    "llama.feed_forward_length": { type: "u32", value: N_FF },
    "llama.attention.head_count": { type: "u32", value: N_HEAD },
    "llama.attention.head_count_kv": { type: "u32", value: N_HEAD },
    "llama.rope.dimension_count": { type: "u32", value: N_EMBD / N_HEAD },
    "llama.attention.layer_norm_rms_epsilon": { type: "f32", value: 1e-5 },
    "tokenizer.ggml.model": { type: "string", value: "llama" },
    "tokenizer.ggml.tokens": { type: "string[]", value: tokens },
    "tokenizer.ggml.scores": { type: "f32[]", value: scores },
    "tokenizer.ggml.token_type": { type: "i32[]", value: types },
    "tokenizer.ggml.unknown_token_id": { type: "u32", value: 0 },
    "tokenizer.ggml.bos_token_id": { type: "u32", value: 1 },
    "tokenizer.ggml.eos_token_id": { type: "u32", value: 2 },
    ...(options.chatTemplate === undefined
      ? {}
      : { "tokenizer.chat_template": { type: "string" as const, value: options.chatTemplate } }),
  };
  return writeGguf(metadata, tensors);
}
