import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import * as snarkjs from "snarkjs";

import { compileCircuit } from "../../circuits/scripts/build.ts";
import { circuitsRoot, paths } from "../../circuits/scripts/paths.ts";

export interface GrowthPoint {
  windowSize: number;
  constraints: number;
  ptauPowerNeeded: number;
  compileMs: number;
  setupMs: number | null;
  proveMedianMs: number | null;
  proveMaxRssMb: number | null;
  note?: string;
}

/** The committed phase-1 file's power (circuits/ceremony/phase1.ptau). */
const COMMITTED_PHASE1_POWER = 14;

/** Where a Powers of Tau file of `power` may be found: the committed one, or bench/tmp (generated, ignored). */
function ptauFor(power: number, benchTmp: string): string | null {
  if (power <= COMMITTED_PHASE1_POWER) return paths.ptau;
  const cached = join(benchTmp, `pot${power}.ptau`);
  return existsSync(cached) ? cached : null;
}

/**
 * The circuit built for windows N = 30, 60, 120 from the same template (a parameter, not a copy):
 * constraints, compile time, and — where a Powers of Tau of the needed power is at hand — setup
 * time, prove time and the proving process's peak memory (measured in a child process).
 */
export async function benchGrowth(windowSizes: number[], proveReps: number, benchTmp: string): Promise<GrowthPoint[]> {
  const dir = join(circuitsRoot, "build/bench");
  mkdirSync(dir, { recursive: true });
  const points: GrowthPoint[] = [];
  for (const n of windowSizes) {
    const main = join(dir, `main_${n}.circom`);
    writeFileSync(
      main,
      `pragma circom 2.1.9;\ninclude "../../src/circom/policy.circom";\ncomponent main {public [pricesCommitment, marketAndTrade, policyAndPosition, modelHash, context]} = PolicyV1(${n});\n`,
    );
    const out = join(dir, `n${n}`);
    const compileStart = performance.now();
    const log = compileCircuit(main, out);
    const compileMs = performance.now() - compileStart;
    const constraints = Number(/non-linear constraints: (\d+)/.exec(log)?.[1] ?? "0");
    const power = Math.ceil(Math.log2(constraints + 5 + 1));
    const point: GrowthPoint = {
      windowSize: n,
      constraints,
      ptauPowerNeeded: power,
      compileMs: Math.round(compileMs),
      setupMs: null,
      proveMedianMs: null,
      proveMaxRssMb: null,
    };
    const ptau = ptauFor(power, benchTmp);
    if (!ptau) {
      point.note = `needs a power-${power} Powers of Tau (generate: tsx circuits/scripts/phase1.ts ${power} bench/tmp/pot${power}.ptau)`;
      points.push(point);
      continue;
    }
    const zkey = join(out, "bench.zkey");
    const setupStart = performance.now();
    await snarkjs.zKey.newZKey(join(out, `main_${n}.r1cs`), ptau, zkey);
    point.setupMs = Math.round(performance.now() - setupStart);
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "prove-window.ts"), String(n), out, zkey, String(proveReps)],
      { encoding: "utf8" },
    );
    if (child.status !== 0) throw new Error(`proving N=${n} failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { medianMs: number; maxRssMb: number };
    point.proveMedianMs = result.medianMs;
    point.proveMaxRssMb = result.maxRssMb;
    points.push(point);
  }
  return points;
}
