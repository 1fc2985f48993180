/**
 * The shipped CLI is built JavaScript (#20): `pnpm build` bundles the agent and the workspace's
 * TypeScript into dist/zkagent.js, which Node runs alone, and bin/zkagent.js runs it only while it
 * is as new as every source it was built from (else the sources, through tsx).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { expect } from "chai";

import { freshBundle } from "../bin/built-entry.js";

const PACKAGE = join(import.meta.dirname, "..");
const SOURCES_CLI = join(PACKAGE, "bin/zkagent.js");

describe("the built zkagent CLI (dist/zkagent.js)", function () {
  this.timeout(300_000);
  const out = mkdtempSync(join(tmpdir(), "zkagent-build-"));
  const bundle = join(out, "zkagent.js");
  /** Runs a CLI with Node alone: no tsx loader, no --import. */
  const run = (cli: string, ...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], {
      cwd: out,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });

  before(() => {
    const built = spawnSync(process.execPath, ["--import", "tsx", join(PACKAGE, "scripts/build.ts"), "--out", bundle], {
      cwd: PACKAGE,
      encoding: "utf8",
    });
    expect(built.status, built.stderr).to.equal(0);
  });

  it("imports no TypeScript: every module it loads is JavaScript (or node:)", () => {
    const text = readFileSync(bundle, "utf8");
    const specifiers = [
      ...text.matchAll(
        /^(?:import|export)\b[^\n]*?\bfrom\s*"([^"]+)";?$|^import\s*"([^"]+)";?$|\bimport\("([^"]+)"\)/gm,
      ),
    ].map((m) => m[1] ?? m[2] ?? m[3]!);
    expect(specifiers.length).to.be.greaterThan(5);
    const notJs = specifiers.filter((s) => !s.startsWith("node:") && !/\.(m|c)?js$|\.json$/.test(s));
    expect(notJs).to.deep.equal([]);
  });

  it("runs under Node alone and says what the sources say", () => {
    const { version } = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")) as { version: string };
    expect(run(bundle, "--version").stdout).to.equal(`${version}\n`);
    const fromBundle = run(bundle, "model", "create-tiny", "--out", join(out, "a.gguf"));
    const fromSources = spawnSync(
      process.execPath,
      ["--import", "tsx", join(PACKAGE, "src/cli.ts"), "model", "create-tiny", "--out", join(out, "b.gguf")],
      { cwd: PACKAGE, encoding: "utf8" }, // where tsx resolves
    );
    expect(fromBundle.status, fromBundle.stderr).to.equal(0);
    expect(fromBundle.stdout.split("\n")[1]).to.equal(fromSources.stdout.split("\n")[1]); // modelHash
    // paths the sources compute from import.meta.url (the circuit's artifacts, the shipped model) still resolve
    const shipped = join(PACKAGE, "models/decision-model-v1.json");
    expect(run(bundle, "model", "commit", shipped).stdout).to.match(/^decimal \d+\nhex 0x[0-9a-f]{64}\n$/);
    const usage = run(bundle, "audit");
    expect(usage.status).to.equal(1);
    expect(usage.stderr).to.match(/required option '--rpc-url <url>' not specified/);
  });

  describe("bin/zkagent.js runs the bundle only while it is fresh", () => {
    const world = mkdtempSync(join(tmpdir(), "zkagent-fresh-"));
    mkdirSync(join(world, "dist"));
    mkdirSync(join(world, "src"));
    const built = join(world, "dist/zkagent.js");
    const source = join(world, "src/cli.ts");
    writeFileSync(source, "");
    writeFileSync(built, "");
    const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

    it("fresh: every listed source is older than the bundle", () => {
      writeFileSync(`${built}.inputs.json`, JSON.stringify(["../src/cli.ts"]));
      at(source, 1_000);
      at(built, 2_000);
      expect(freshBundle(pathToFileURL(built))?.href).to.equal(pathToFileURL(built).href);
    });

    it("stale: a source edited after the build, or gone", () => {
      at(source, 3_000);
      expect(freshBundle(pathToFileURL(built))).to.equal(null);
      writeFileSync(`${built}.inputs.json`, JSON.stringify(["../src/gone.ts"]));
      expect(freshBundle(pathToFileURL(built))).to.equal(null);
    });

    it("not built: no bundle, or no list of its sources", () => {
      expect(freshBundle(pathToFileURL(join(world, "dist/none.js")))).to.equal(null);
      writeFileSync(join(world, "dist/bare.js"), "");
      expect(freshBundle(pathToFileURL(join(world, "dist/bare.js")))).to.equal(null);
    });

    it("bin/zkagent.js itself runs (the bundle when fresh, else the sources)", () => {
      expect(run(SOURCES_CLI, "--version").status).to.equal(0);
    });
  });
});
