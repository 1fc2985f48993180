import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Action, circuitInputOf, defaultArtifactPaths, PolicyProver, type ProofRequest } from "@zkagent/circuits";

import { stats, timed, type Stats } from "../stats.ts";

const require = createRequire(import.meta.url);

/** A compliant BUY: the statement both contenders prove. */
export const BENCH_REQUEST: ProofRequest = {
  prices: [...Array(29).fill(300_000_000_000n), 294_000_000_000n],
  roundId: 30n,
  maxPosition: 2n * 10n ** 18n,
  thresholdBps: 100n,
  position: 0n,
  action: Action.BUY,
  size: 10n ** 18n,
  modelHash: 0x1234n,
  context: 0x5678n,
};

export interface ProofLatency {
  ours: { total: Stats; witness: Stats; prove: Stats; cold: number };
  snarkjsCli: Stats;
  ratio: number;
  verifyMs: Stats;
  proofCalldataBytes: number;
  proofJsonBytes: number;
}

/**
 * Ours (the prover API with its snarkjs backend, kept warm in the process) against the obvious way (one `snarkjs groth16
 * fullprove` CLI process per proof, reading wasm and zkey from disk each time), alternating.
 */
export async function benchProofLatency(reps: number): Promise<ProofLatency> {
  const work = mkdtempSync(join(tmpdir(), "zkagent-bench-"));
  const inputPath = join(work, "input.json");
  const { input } = circuitInputOf(BENCH_REQUEST);
  writeFileSync(
    inputPath,
    JSON.stringify(input, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
  );
  const snarkjsCli = join(require.resolve("snarkjs").replace(/build\/main\.cjs$/, ""), "build/cli.cjs");

  const [cold, prover] = await timed(async () => {
    const p = await PolicyProver.load({}, undefined, { prover: "snarkjs" });
    await p.prove(BENCH_REQUEST);
    return p;
  });
  await prover.prove(BENCH_REQUEST); // warm-up
  const cli = () => {
    const start = performance.now();
    const result = spawnSync(
      process.execPath,
      [
        snarkjsCli,
        "groth16",
        "fullprove",
        inputPath,
        defaultArtifactPaths.wasm,
        defaultArtifactPaths.zkey,
        join(work, "proof.json"),
        join(work, "public.json"),
      ],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`snarkjs CLI failed: ${result.stderr}`);
    return performance.now() - start;
  };
  cli(); // warm-up (page cache)

  const total: number[] = [];
  const witness: number[] = [];
  const prove: number[] = [];
  const cliSamples: number[] = [];
  const verify: number[] = [];
  let last = await prover.prove(BENCH_REQUEST);
  for (let i = 0; i < reps; i++) {
    const [ms, proof] = await timed(() => prover.prove(BENCH_REQUEST));
    total.push(ms);
    witness.push(proof.timings.witnessMs);
    prove.push(proof.timings.proveMs);
    last = proof;
    cliSamples.push(cli());
    const [verifyMs, ok] = await timed(() => prover.verify(proof.proof, proof.publicSignals));
    if (!ok) throw new Error("a benchmark proof did not verify");
    verify.push(verifyMs);
  }
  await prover.close();
  rmSync(work, { recursive: true, force: true });
  const ours = stats(total);
  const theirs = stats(cliSamples);
  return {
    ours: { total: ours, witness: stats(witness), prove: stats(prove), cold: Math.round(cold) },
    snarkjsCli: theirs,
    ratio: Math.round((theirs.median / ours.median) * 100) / 100,
    verifyMs: stats(verify),
    proofCalldataBytes: 8 * 32,
    proofJsonBytes: JSON.stringify(last.proof).length,
  };
}
