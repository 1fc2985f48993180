import { availableParallelism } from "node:os";

import {
  getLlama,
  LlamaChatSession,
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
 * How a model is prompted: "chat" for an instruct model (its GGUF carries a chat template,
 * `tokenizer.chat_template`), through node-llama-cpp's LlamaChatSession, which wraps the prompt in
 * that template; "completion" for a base model with no template (the bundled tiny stand-in), as
 * plain text to continue. Either way the output is bounded by the same grammar.
 */
export type PromptStyle = "chat" | "completion";

/** The chat session's system message: the task's instructions are in the user message itself. */
const SYSTEM_PROMPT = "You answer with exactly the one JSON object asked for, and nothing else.";

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
    readonly promptStyle: PromptStyle,
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
    const promptStyle: PromptStyle = model.fileInfo.metadata?.tokenizer?.chat_template ? "chat" : "completion";
    return new SignalModel(llama, model, context, grammar, threadCount, promptStyle);
  }

  /** The chat template's wrapper node-llama-cpp resolved (style "chat"), e.g. "chatML" or "jinjaTemplate". */
  chatWrapperName?: string;

  /**
   * Generates one grammar-bounded signal text for `prompt`: a chat turn for an instruct model
   * (the prompt as the user's message, its trailing "Signal: " cue dropped), else a completion.
   */
  async generate(
    prompt: string,
    { temperature = 0, seed, maxTokens = 64 }: GenerateOptions = {},
  ): Promise<{ text: string; tokens: number }> {
    const sequence = this.context.getSequence();
    let tokens = 0;
    const sampling = {
      grammar: this.grammar,
      maxTokens,
      temperature,
      ...(seed === undefined ? {} : { seed }),
      onToken: (chunk: readonly unknown[]) => {
        tokens += chunk.length;
      },
    };
    try {
      if (this.promptStyle === "chat") {
        const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: SYSTEM_PROMPT });
        this.chatWrapperName = session.chatWrapper.wrapperName;
        const text = await session.prompt(prompt.replace(/\n?Signal: $/, ""), sampling);
        session.dispose({ disposeSequence: false });
        return { text, tokens };
      }
      const completion = new LlamaCompletion({ contextSequence: sequence });
      const text = await completion.generateCompletion(prompt, sampling);
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
