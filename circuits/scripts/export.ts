/**
 * Writes each circuit's Solidity verifier (renamed PolicyVerifier, ModelPolicyVerifier) and
 * verification key from its committed zkey. Deterministic: `check` regenerates both and compares
 * bytes. Never edit the outputs by hand.
 *
 *   tsx scripts/export.ts [--circuit policy|model|signal1|signal2|signal4|aggregation0|aggregation1]   (default: every circuit)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";

import * as snarkjs from "snarkjs";

import { CIRCUIT_NAMES, circuitTarget, circuitTargets, workspaceRoot, type CircuitTarget } from "./paths.ts";
import { terminateCurve } from "./snarkjs-support.ts";

const require = createRequire(import.meta.url);

export interface ExportedVerifier {
  solidity: string;
  vkeyJson: string;
}

/** Generates the verifier source and vkey JSON text from a zkey, without writing them. */
export async function renderVerifier(target: CircuitTarget): Promise<ExportedVerifier> {
  const zkeyPath = target.zkey;
  // snarkjs does not export its templates folder; find it beside the package's main entry.
  const snarkjsRoot = join(dirname(require.resolve("snarkjs")), "..");
  const template = readFileSync(join(snarkjsRoot, "templates/verifier_groth16.sol.ejs"), "utf8");
  const generated: string = await snarkjs.zKey.exportSolidityVerifier(zkeyPath, { groth16: template });
  const header = [
    "// GENERATED FILE — do not edit.",
    `// Made by circuits/scripts/export.ts from ${relative(workspaceRoot, zkeyPath)} (${target.title}).`,
    "// Regenerate: pnpm --filter @zkagent/circuits export. CI checks it is byte-identical.",
    "",
  ].join("\n");
  const solidity = header + generated.replace("contract Groth16Verifier", `contract ${target.verifierContract}`);
  const vkey = await snarkjs.zKey.exportVerificationKey(zkeyPath);
  return { solidity, vkeyJson: `${JSON.stringify(vkey, null, 2)}\n` };
}

export async function exportVerifier(target: CircuitTarget): Promise<void> {
  const { solidity, vkeyJson } = await renderVerifier(target);
  mkdirSync(dirname(target.verifierSol), { recursive: true });
  writeFileSync(target.verifierSol, solidity);
  writeFileSync(target.vkey, vkeyJson);
  writeFileSync(target.vkeyForContracts, vkeyJson);
  console.log(`wrote ${relative(workspaceRoot, target.verifierSol)}, ${relative(workspaceRoot, target.vkey)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { values } = parseArgs({ options: { circuit: { type: "string" } } });
    for (const target of values.circuit ? [circuitTarget(values.circuit)] : CIRCUIT_NAMES.map((n) => circuitTargets[n]))
      await exportVerifier(target);
  } finally {
    await terminateCurve();
  }
}
