import {
  adviceOf,
  buildPrompt,
  MalformedSignalError,
  parseSignal,
  SignalModel,
  type MarketPicture,
} from "@zkagent/agent";

/**
 * The first sampling seed (temperature 1) for which the tiny stand-in proposes a signal that
 * `wanted` accepts in `market`. The model is real and its weights are random, so a test picks
 * the seed that makes it say what the test is about. Pass a loaded model to reuse it across calls.
 */
export async function seedFor(
  modelPathOrModel: string | SignalModel,
  market: MarketPicture,
  wanted: (action: string, sizePct: number) => boolean,
): Promise<number> {
  const owned = typeof modelPathOrModel === "string";
  const model = owned ? await SignalModel.load({ modelPath: modelPathOrModel, threads: 1 }) : modelPathOrModel;
  try {
    const prompt = buildPrompt(market);
    for (let seed = 0; seed < 500; seed++) {
      const signal = parseSignal((await model.generate(prompt, { temperature: 1, seed })).text);
      if (wanted(signal.action, signal.sizePct)) return seed;
    }
    throw new Error("no seed in 0..499 gives the wanted signal");
  } finally {
    if (owned) await model.dispose();
  }
}

export const compliantBuy = (action: string, pct: number) => action === "BUY" && pct > 0;
export const anySell = (action: string, pct: number) => action === "SELL" && pct > 0;

/**
 * The first sampling seed (temperature 1) for which the tiny stand-in, as the proven model's
 * adviser (mode llm+model, no notes), gives a bias that makes `decides` true, e.g. that the
 * registered model then BUYs. A malformed answer is no advice (0), as in the agent.
 */
export async function adviserSeedFor(
  modelPath: string,
  market: MarketPicture,
  decides: (advice: bigint) => boolean,
): Promise<{ seed: number; advice: bigint }> {
  const model = await SignalModel.load({ modelPath, threads: 1 });
  try {
    const prompt = buildPrompt(market);
    for (let seed = 0; seed < 500; seed++) {
      const text = (await model.generate(prompt, { temperature: 1, seed })).text;
      let advice = 0n;
      try {
        advice = adviceOf(parseSignal(text));
      } catch (error) {
        if (!(error instanceof MalformedSignalError)) throw error;
      }
      if (decides(advice)) return { seed, advice };
    }
    throw new Error("no seed in 0..499 gives an advice the model decides on as wanted");
  } finally {
    await model.dispose();
  }
}
