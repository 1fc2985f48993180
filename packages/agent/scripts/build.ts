/**
 * Builds the shipped `zkagent` CLI: one ES module, dist/zkagent.js, run by Node alone (no tsx, no
 * TypeScript at run time). esbuild bundles the agent's TypeScript and the workspace's
 * (@zkagent/circuits, the contracts' typechain bindings); every npm package stays an import of
 * the very file Node resolves from the importing source today (node-llama-cpp's native binaries,
 * snarkjs's workers and the native prover find their files as before). Each source's
 * `import.meta.url` becomes its own file's URL, relative to the bundle, so the paths the sources
 * compute from it (circuit artifacts, the shipped model, deployment records) are unchanged: the
 * bundle runs from this checkout (or a copy of the whole of it), not from anywhere.
 *
 *   tsx scripts/build.ts [--out dist/zkagent.js]
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

import { build, type Plugin } from "esbuild";

const PACKAGE = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { out: { type: "string", default: join(PACKAGE, "dist/zkagent.js") } } });
const outfile = resolve(values.out);
const outdir = dirname(outfile);

/** A path as the bundle imports it: relative to the bundle, with a leading ./ or ../. */
const fromBundle = (file: string) => {
  const path = relative(outdir, file).split("\\").join("/");
  return path.startsWith(".") ? path : `./${path}`;
};

const workspaceSources: Plugin = {
  name: "zkagent-workspace-sources",
  setup(builder) {
    // npm packages: not bundled; imported from the file Node resolves for the importing source.
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("@zkagent/") || args.path.startsWith("node:") || isAbsolute(args.path)) return undefined;
      if (args.pluginData === "resolving") return undefined;
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "resolving",
      });
      if (resolved.errors.length > 0 || !resolved.path || !isAbsolute(resolved.path)) return undefined;
      return { path: fromBundle(resolved.path), external: true };
    });
    // Each source's import.meta.url: its own file, wherever the bundle is.
    builder.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes("/node_modules/")) return undefined;
      const contents = readFileSync(args.path, "utf8").replaceAll(
        "import.meta.url",
        `new URL(${JSON.stringify(fromBundle(args.path))}, import.meta.url).href`,
      );
      return { contents, loader: "ts" };
    });
  },
};

const result = await build({
  entryPoints: [join(PACKAGE, "src/cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  conditions: [], // Node's own conditions (import, node, default), not esbuild's extra "module"
  banner: { js: "#!/usr/bin/env node\n// Built by packages/agent/scripts/build.ts from src/: do not edit." },
  plugins: [workspaceSources],
  logLevel: "warning",
  metafile: true,
});
chmodSync(outfile, 0o755);
// The bundled sources, for bin/zkagent.js: it runs the bundle only while none is newer than it.
const sources = Object.keys(result.metafile.inputs)
  .map((input) => resolve(input))
  .filter((file) => !file.includes("/node_modules/"));
writeFileSync(`${outfile}.inputs.json`, `${JSON.stringify(sources.map(fromBundle), null, 1)}\n`);
process.stdout.write(`${relative(process.cwd(), outfile)}: ${sources.length} sources bundled\n`);
