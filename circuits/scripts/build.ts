/**
 * Compiles the policy circuit with circom2 (circom 2.2 as WebAssembly) into
 * circuits/build. Byte-reproducible: `check` compares the result with the
 * hashes the ceremony recorded.
 *
 *   tsx scripts/build.ts [--main path/to/main.circom] [--out dir]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

import { CIRCUIT_NAMES, circuitTargets, circuitsRoot, paths } from "./paths.ts";

const require = createRequire(import.meta.url);

/** The longest common ancestor directory of absolute paths. */
function commonAncestor(a: string, b: string): string {
  const x = a.split("/");
  const y = b.split("/");
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join("/") || "/";
}

/**
 * Compiles `mainCircuit` into `outDir`. Groth16 uses `--O2` (fewest R1CS constraints); the PLONK
 * builds use `--O1`, because O2's merged linear constraints become many PLONK gates each
 * (policy v1: 25 707 PLONK constraints at O2, 9 243 at O1).
 */
export function compileCircuit(
  mainCircuit = paths.mainCircuit,
  outDir = paths.buildDir,
  optimisation: "O1" | "O2" = "O2",
): string {
  mkdirSync(outDir, { recursive: true });
  const circom = realpathSync(require.resolve("circom2/cli.js"));
  // circom2 runs under WASI, which does not follow the package manager's symlinks
  // and cannot open paths through "..": run it from a directory above everything
  // it reads and hand it real paths relative to there.
  const circomlibParent = dirname(dirname(realpathSync(require.resolve("circomlib/package.json"))));
  const cwd = commonAncestor(commonAncestor(circuitsRoot, circomlibParent), resolve(outDir));
  const rel = (p: string) => relative(cwd, p) || ".";
  const result = spawnSync(
    process.execPath,
    [
      circom,
      rel(mainCircuit),
      "--r1cs",
      "--wasm",
      "--sym",
      `--${optimisation}`,
      "-l",
      rel(circomlibParent),
      "-o",
      rel(outDir),
    ],
    { cwd, encoding: "utf8" },
  );
  process.stdout.write(result.stdout);
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    throw new Error(`circom2 failed with exit code ${result.status}`);
  }
  // The generated witness_calculator.js is CommonJS inside an ESM package: say so, or Node
  // refuses to require() it.
  const mainName = basename(mainCircuit, ".circom");
  writeFileSync(join(outDir, `${mainName}_js`, "package.json"), '{ "type": "commonjs" }\n');
  return result.stdout;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { main: { type: "string" }, out: { type: "string" } } });
  if (values.main) compileCircuit(resolve(values.main), values.out ? resolve(values.out) : undefined);
  else
    for (const name of CIRCUIT_NAMES) compileCircuit(circuitTargets[name].mainCircuit, circuitTargets[name].buildDir);
}
