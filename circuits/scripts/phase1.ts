/**
 * Phase 1 (Powers of Tau) generated locally: new → contribute (OS entropy) →
 * beacon → prepare phase2. For production, pass a public ceremony file to
 * `ceremony.ts --ptau <file>` instead (see circuits/README.md).
 *
 *   tsx scripts/phase1.ts <power> <out.ptau>
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as snarkjs from "snarkjs";

import { progressLogger, terminateCurve } from "./snarkjs-support.ts";

export async function generatePhase1(power: number, outFile: string, beaconHex: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "zkagent-ptau-"));
  const logger = progressLogger("phase1");
  try {
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    const step = (label: string) => console.log(`[phase1] ${new Date().toISOString()} ${label}`);
    step(`new accumulator, power ${power}`);
    await snarkjs.powersOfTau.newAccumulator(curve, power, join(work, "0.ptau"), logger);
    step("contribution (entropy from the OS)");
    await snarkjs.powersOfTau.contribute(
      join(work, "0.ptau"),
      join(work, "1.ptau"),
      "zkagent local phase 1",
      randomBytes(64).toString("hex"),
      logger,
    );
    step(`beacon ${beaconHex}`);
    await snarkjs.powersOfTau.beacon(
      join(work, "1.ptau"),
      join(work, "2.ptau"),
      "zkagent phase 1 beacon",
      beaconHex,
      10,
      logger,
    );
    step("prepare phase 2 (the slow step)");
    await snarkjs.powersOfTau.preparePhase2(join(work, "2.ptau"), outFile, logger);
    step(`written ${outFile}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    await terminateCurve();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [power, out, beacon] = process.argv.slice(2);
  if (!power || !out) {
    console.error("usage: tsx scripts/phase1.ts <power> <out.ptau> [beaconHex]");
    process.exit(2);
  }
  await generatePhase1(Number(power), out, beacon ?? "0".repeat(64));
}
