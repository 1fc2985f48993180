/**
 * One phase-2 contribution, for a party outside the maintainers: run on the
 * zkey you were handed, keep nothing, hand back the output and the printed
 * hash. The coordinator then finishes with `ceremony.ts --from <your zkey>`.
 *
 *   tsx scripts/contribute.ts <in.zkey> <out.zkey> --name "Your name"
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { progressLogger, terminateCurve } from "./snarkjs-support.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { name: { type: "string" } } });
const [input, output] = positionals;
if (!input || !output || !values.name) {
  console.error('usage: tsx scripts/contribute.ts <in.zkey> <out.zkey> --name "Your name"');
  process.exit(2);
}
try {
  // Entropy comes from the OS and is never written anywhere: that is the whole point.
  const hash = await snarkjs.zKey.contribute(
    input,
    output,
    values.name,
    randomBytes(64).toString("hex"),
    progressLogger("contribute"),
  );
  console.log(`contribution hash: ${Buffer.from(hash as Uint8Array).toString("hex")}`);
} finally {
  await terminateCurve();
}
