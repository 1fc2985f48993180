import { availableParallelism } from "node:os";

import {
  getLlama,
  LlamaCompletion,
  type Llama,
  type LlamaContext,
  type LlamaGrammar,
  type LlamaModel,
} from "node-llama-cpp";

import { ModelFileError } from "../errors.ts";
import { SIGNAL_GRAMMAR } from "../signal/grammar.ts";
import { assertGgufFile } from "./model-file.ts";

export interface SignalModelOptions {
  modelPath: string;
  /** Inference threads; default: {@link defaultInferenceThreads}. */
  threads?: number;
  /** "auto" uses a CUDA/Vulkan/Metal build when one is installed; false forces the CPU build. */
  gpu?: "auto" | false;
}

/**
 * Half the logical CPUs, at least one: the physical cores on SMT machines, and room for the
 * prover's worker threads. llama.cpp's threads spin at barriers; on this 2-core machine, with
 * snarkjs's workers alive, 2 threads took 813 ms per signal and 1 thread 41 ms (its own default,
 * max(4, cores), is worse still).
 */
export function defaultInferenceThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

export interface GenerateOptions {
  temperature?: number;
  seed?: number;
  maxTokens?: number;
}

/**
 * A local GGUF model that proposes signals. Loaded once per process; the grammar is built once;
 * each `generate` reuses the same context (its sequence is cleared between prompts).
 */
export class SignalModel {
  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly grammar: LlamaGrammar,
    readonly threads: number,
  ) {}

  static async load({ modelPath, threads, gpu = false }: SignalModelOptions): Promise<SignalModel> {
    await assertGgufFile(modelPath);
    const threadCount = threads ?? defaultInferenceThreads();
    // build: "never" — use the prebuilt binary from npm; never compile or download at run time.
    const llama = await getLlama({ gpu, build: "never", logLevel: "error" as never });
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath });
    } catch (error) {
      await llama.dispose();
      throw new ModelFileError(`llama.cpp could not load ${modelPath}: ${(error as Error).message}`);
    }
    const context = await model.createContext({ contextSize: 1024, threads: threadCount });
    const grammar = await llama.createGrammar({ grammar: SIGNAL_GRAMMAR });
    return new SignalModel(llama, model, context, grammar, threadCount);
  }

  /** Generates one grammar-bounded signal text for `prompt`. */
  async generate(
    prompt: string,
    { temperature = 0, seed, maxTokens = 64 }: GenerateOptions = {},
  ): Promise<{ text: string; tokens: number }> {
    const sequence = this.context.getSequence();
    try {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      let tokens = 0;
      const text = await completion.generateCompletion(prompt, {
        grammar: this.grammar,
        maxTokens,
        temperature,
        ...(seed === undefined ? {} : { seed }),
        onToken: (chunk) => {
          tokens += chunk.length;
        },
      });
      return { text, tokens };
    } finally {
      sequence.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}
