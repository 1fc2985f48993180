/**
 * One phase-2 contribution, for a party outside the maintainers: run on the
 * zkey you were handed, keep nothing, hand back the output and the printed
 * hash. The coordinator then finishes with `ceremony.ts --from <your zkey>`,
 * or, in a coordinated ceremony (`ceremony-coordinator.ts`), verifies it and
 * publishes it as the next round.
 *
 *   tsx scripts/contribute.ts <in.zkey> <out.zkey> --name "Your name"
 *   tsx scripts/contribute.ts --handoff <dir> --round K --name "Your name" [--timeout seconds]
 *
 * The second form waits for the coordinator's `round-(K-1).zkey` in the hand-off directory and
 * writes `contribution-K.zkey` there. Either way the output appears whole (written aside, then
 * renamed), so a coordinator polling the directory never reads half a file.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { contributionFile, roundFile, waitForFile, writeWhole } from "./ceremony-handoff.ts";
import { progressLogger, terminateCurve } from "./snarkjs-support.ts";

const usage = [
  'usage: tsx scripts/contribute.ts <in.zkey> <out.zkey> --name "Your name"',
  '       tsx scripts/contribute.ts --handoff <dir> --round K --name "Your name" [--timeout seconds]',
].join("\n");
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    handoff: { type: "string" },
    round: { type: "string" },
    timeout: { type: "string", default: "86400" },
  },
});

function resolveFiles(): { input: string; output: string } | undefined {
  if (values.handoff) {
    const round = Number(values.round);
    if (!Number.isInteger(round) || round < 1) return undefined;
    return { input: roundFile(values.handoff, round - 1), output: contributionFile(values.handoff, round) };
  }
  const [input, output] = positionals;
  return input && output ? { input, output } : undefined;
}

const files = resolveFiles();
if (!files || !values.name) {
  console.error(usage);
  process.exit(2);
}
try {
  if (values.handoff) {
    console.log(`waiting for ${files.input}`);
    await waitForFile(files.input, Number(values.timeout));
  }
  // Entropy comes from the OS and is never written anywhere: that is the whole point.
  let hash: Uint8Array | undefined;
  await writeWhole(files.output, async (tmp) => {
    hash = await snarkjs.zKey.contribute(
      files.input,
      tmp,
      values.name,
      randomBytes(64).toString("hex"),
      progressLogger("contribute"),
    );
  });
  console.log(`wrote ${files.output}`);
  console.log(`contribution hash: ${Buffer.from(hash!).toString("hex")}`);
} finally {
  await terminateCurve();
}
