/**
 * `pnpm demo` as README command 1 runs it (a child process, a short session), judged by what it
 * writes: summary.json's scenes and the report that shows them.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import type { DemoScenes } from "../../scripts/demo/report-html.ts";

const ROOT = join(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

function demo(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ["scripts/demo/demo.ts", ...args],
      { cwd: ROOT, encoding: "utf8", timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("`pnpm demo`: the session, then one hub signal for many vaults and an optimistic cheat slashed", function () {
  this.timeout(300_000);
  const out = mkdtempSync(join(tmpdir(), "zkagent-demo-"));
  let scenes: DemoScenes;
  let report: string;

  before(async () => {
    const run = await demo(["--ticks", "2", "--out", out]);
    expect(run.status, run.stderr).to.equal(0);
    scenes = (JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { scenes: DemoScenes }).scenes;
    report = readFileSync(join(out, "report.html"), "utf8");
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it("publishes one signal that three vaults with different caps follow, each sized against its own cap", () => {
    const { hub } = scenes;
    expect(hub.key).to.match(/^0x[0-9a-f]{64}$/);
    expect(hub.publishGas).to.be.greaterThan(0);
    expect(hub.follows.map((f) => f.capEth)).to.deep.equal([1, 2, 4]);
    for (const follow of hub.follows) {
      expect(follow.sizeEth).to.equal((follow.capEth * hub.signal.sizeBps) / 10_000);
      expect(follow.gas).to.be.greaterThan(0);
    }
    expect(hub.amortizedGasPerTrade).to.equal(
      Math.round((hub.windowRecordGas + hub.publishGas + hub.follows.reduce((s, f) => s + f.gas, 0)) / 3),
    );
  });

  it("leaves the honest claim to its proof and gets the cheating one challenged and slashed", () => {
    const { optimistic } = scenes;
    const [honest, cheating] = optimistic.claims;
    expect([honest!.label, honest!.botAction, honest!.state]).to.deep.equal(["honest", "none", "settled"]);
    expect(honest!.judgement).to.equal("valid");
    expect([cheating!.label, cheating!.botAction, cheating!.state]).to.deep.equal([
      "cheating",
      "challenged",
      "slashed",
    ]);
    expect(cheating!.judgement).to.match(/^invalid: BUY .* breaks policy rule BAND/);
    expect(optimistic.bonds[0]!.bond.totalUsdc).to.equal(500);
    expect(optimistic.bonds.at(-1)!.bond).to.include({ totalUsdc: 0, slashed: true });
    expect(optimistic.vaultCompensationUsdc).to.equal(450);
    expect(optimistic.challengerUsdc.after - optimistic.challengerUsdc.before).to.equal(50);
    expect(optimistic.agentAuthorizedAfter).to.equal(false);
  });

  it("shows both scenes in the report", () => {
    expect(report).to.contain("One proof, many vaults").and.contain("An optimistic trade challenged and resolved");
    expect(report).to.contain(scenes.hub.key.slice(0, 10));
  });

  it("names --no-scenes in its usage", async () => {
    const help = await demo(["--help"]);
    expect(help.stdout).to.contain("--no-scenes");
  });
});
