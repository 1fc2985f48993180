import { buildPrompt, SignalModel } from "@zkagent/agent";

import { stats, type Stats } from "../stats.ts";

export interface InferenceFigures {
  model: string;
  threads: number;
  msPerSignal: Stats;
  tokensPerSecond: Stats;
}

/** ms per signal and tokens/s at each thread count, alternating thread counts between rounds. */
export async function benchInference(
  modelPath: string,
  label: string,
  threadCounts: number[],
  reps: number,
): Promise<InferenceFigures[]> {
  const models = await Promise.all(threadCounts.map((threads) => SignalModel.load({ modelPath, threads })));
  const prompt = buildPrompt({
    prices: [...Array(29).fill(300_000_000_000n), 294_000_000_000n],
    position: 0n,
    maxPosition: 2n * 10n ** 18n,
    thresholdBps: 100n,
  });
  const ms: number[][] = threadCounts.map(() => []);
  const tps: number[][] = threadCounts.map(() => []);
  for (const model of models) await model.generate(prompt, { temperature: 1, seed: 0 }); // warm-up
  for (let i = 0; i < reps; i++) {
    for (const [j, model] of models.entries()) {
      const start = performance.now();
      const { tokens } = await model.generate(prompt, { temperature: 1, seed: i });
      const elapsed = performance.now() - start;
      ms[j]!.push(elapsed);
      tps[j]!.push((tokens / elapsed) * 1000);
    }
  }
  for (const model of models) await model.dispose();
  return threadCounts.map((threads, j) => ({
    model: label,
    threads,
    msPerSignal: stats(ms[j]!),
    tokensPerSecond: stats(tps[j]!),
  }));
}
