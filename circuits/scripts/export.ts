/**
 * Writes the Solidity verifier (renamed PolicyVerifier) and the verification
 * key from the committed zkey. Deterministic: `check` regenerates both and
 * compares bytes. Never edit the outputs by hand.
 *
 *   tsx scripts/export.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

import * as snarkjs from "snarkjs";

import { paths, workspaceRoot } from "./paths.ts";
import { terminateCurve } from "./snarkjs-support.ts";

const require = createRequire(import.meta.url);

export interface ExportedVerifier {
  solidity: string;
  vkeyJson: string;
}

/** Generates the verifier source and vkey JSON text from a zkey, without writing them. */
export async function renderVerifier(zkeyPath = paths.zkey): Promise<ExportedVerifier> {
  // snarkjs does not export its templates folder; find it beside the package's main entry.
  const snarkjsRoot = join(dirname(require.resolve("snarkjs")), "..");
  const template = readFileSync(join(snarkjsRoot, "templates/verifier_groth16.sol.ejs"), "utf8");
  const generated: string = await snarkjs.zKey.exportSolidityVerifier(zkeyPath, { groth16: template });
  const header = [
    "// GENERATED FILE — do not edit.",
    `// Made by circuits/scripts/export.ts from ${relative(workspaceRoot, zkeyPath)} (policy v1).`,
    "// Regenerate: pnpm --filter @zkagent/circuits export. CI checks it is byte-identical.",
    "",
  ].join("\n");
  const solidity = header + generated.replace("contract Groth16Verifier", "contract PolicyVerifier");
  const vkey = await snarkjs.zKey.exportVerificationKey(zkeyPath);
  return { solidity, vkeyJson: `${JSON.stringify(vkey, null, 2)}\n` };
}

export async function exportVerifier(): Promise<void> {
  const { solidity, vkeyJson } = await renderVerifier();
  mkdirSync(dirname(paths.verifierSol), { recursive: true });
  writeFileSync(paths.verifierSol, solidity);
  writeFileSync(paths.vkey, vkeyJson);
  writeFileSync(paths.vkeyForContracts, vkeyJson);
  console.log(`wrote ${relative(workspaceRoot, paths.verifierSol)}, ${relative(workspaceRoot, paths.vkey)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await exportVerifier();
  } finally {
    await terminateCurve();
  }
}
