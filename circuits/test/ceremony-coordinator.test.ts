/**
 * The multi-party phase-2 ceremony, rehearsed on the policy circuit in a temporary directory:
 * the coordinator and three contributors each in their own process, handing zkeys over through
 * a shared directory, plus two bad contributions the coordinator must refuse (a truncated file
 * and a valid zkey from another run). The output must pass `check` as the committed one does.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import { chainReader } from "../scripts/ceremony-chain.ts";
import { contributionFile, refusedFile, roundFile, waitForFile, writeWhole } from "../scripts/ceremony-handoff.ts";
import { sha256File } from "../scripts/hashing.ts";
import { readManifest, type Manifest } from "../scripts/manifest.ts";
import { circuitTargets, circuitsRoot, phase1Path } from "../scripts/paths.ts";
import { terminateCurve } from "../scripts/snarkjs-support.ts";

interface Finished {
  code: number | null;
  output: string;
  seconds: number;
}

/** Runs a pipeline script in its own Node process, as a contributor on another machine would. */
function runScript(script: string, args: string[]): { done: Promise<Finished> } {
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", join(circuitsRoot, "scripts", script), ...args], {
    cwd: circuitsRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<Finished>((resolveDone) =>
    child.on("close", (code) => resolveDone({ code, output, seconds: (Date.now() - started) / 1000 })),
  );
  return { done };
}

async function expectSuccess(run: { done: Promise<Finished> }, what: string): Promise<Finished> {
  const finished = await run.done;
  if (finished.code !== 0) throw new Error(`${what} exited with ${finished.code}:\n${finished.output.slice(-4000)}`);
  return finished;
}

describe("multi-party ceremony (coordinator and three contributors in separate processes)", function () {
  this.timeout(30 * 60_000);
  const policy = circuitTargets.policy;
  const beacon = "5e".repeat(32);
  let work: string;
  let handoff: string;
  let out: string;
  let coordinator: Finished;
  let contributors: Finished[];
  let manifest: Manifest;
  let transcript: string;
  const committedZkeyHash = readManifest(policy).files.zkey.sha256;

  before(async function () {
    if (!existsSync(policy.r1cs)) this.skip();
    work = mkdtempSync(join(tmpdir(), "zkagent-ceremony-test-"));
    handoff = join(work, "handoff");
    out = join(work, "out");
    const coordinatorRun = runScript("ceremony-coordinator.ts", [
      "--circuit",
      "policy",
      "--ptau",
      phase1Path,
      "--handoff",
      handoff,
      "--contributions",
      "3",
      "--beacon",
      beacon,
      "--beacon-source",
      "a fixed test value",
      "--out",
      out,
      "--timeout",
      "900",
      "--skip-build",
    ]);
    const contribute = (round: number, name: string) =>
      runScript("contribute.ts", ["--handoff", handoff, "--round", String(round), "--name", name, "--timeout", "900"]);

    const alice = await expectSuccess(contribute(1, "Alice"), "contributor 1");
    await waitForFile(roundFile(handoff, 1), 900);

    // A truncated file, then a zkey of the same circuit from another run (the committed one: it
    // verifies on its own, but it does not carry Alice's contribution).
    await writeWhole(contributionFile(handoff, 2), async (tmp) => {
      const whole = readFileSync(roundFile(handoff, 1));
      writeFileSync(tmp, whole.subarray(0, Math.floor(whole.length / 2)));
    });
    await waitForFile(`${refusedFile(handoff, 2, 1)}.txt`, 900);
    await writeWhole(contributionFile(handoff, 2), async (tmp) => copyFileSync(policy.zkey, tmp));
    await waitForFile(`${refusedFile(handoff, 2, 2)}.txt`, 900);

    // The next two contributors start together; Carol waits for the round Bob's contribution makes.
    const bob = contribute(2, "Bob");
    const carol = contribute(3, "Carol");
    contributors = [alice, await expectSuccess(bob, "contributor 2"), await expectSuccess(carol, "contributor 3")];
    coordinator = await expectSuccess(coordinatorRun, "the coordinator");
    manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
    transcript = readFileSync(join(out, "TRANSCRIPT.md"), "utf8");
    console.log(
      `      coordinator ${coordinator.seconds.toFixed(1)} s in all; contributors ${contributors.map((c) => `${c.seconds.toFixed(1)} s`).join(", ")}`,
    );
    for (const line of transcript.split("\n").filter((l) => /\d+\.\d s/.test(l))) console.log(`      ${line.trim()}`);
  });

  after(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await terminateCurve();
  });

  it("records the three contributors in order, by name and contribution hash", () => {
    expect(manifest.contributions.map((c) => c.name)).to.deep.equal(["Alice", "Bob", "Carol"]);
    for (const [i, contribution] of manifest.contributions.entries()) {
      expect(contribution.contributionHash).to.match(/^[0-9a-f]{128}$/);
      expect(transcript).to.include(`contribution ${i + 1} by "${contribution.name}": accepted`);
      expect(transcript).to.include(contribution.contributionHash);
      // The hash each contributor printed is the one the coordinator recorded.
      expect(contributors[i]!.output.replace(/\s+/g, "")).to.include(contribution.contributionHash);
    }
    expect(manifest.beacon).to.equal(beacon);
    expect(transcript).to.include(`beacon ${beacon} (a fixed test value)`);
    expect(transcript).to.include("matches no published Hermez hash");
  });

  it("refuses a truncated contribution, naming it and keeping the previous state", () => {
    const reason = readFileSync(`${refusedFile(handoff, 2, 1)}.txt`, "utf8");
    expect(reason).to.include("is not a readable zkey");
    expect(transcript).to.match(/REFUSED contribution-2\.zkey \(attempt 1, sha256 [0-9a-f]{64}, \d+ bytes\) refused/);
    expect(transcript).to.include("round 2 waits again from round-1.zkey");
  });

  it("refuses a zkey from another run, which verifies on its own but drops the earlier contributions", () => {
    const reason = readFileSync(`${refusedFile(handoff, 2, 2)}.txt`, "utf8");
    expect(reason).to.include("verifies on its own but does not extend round-1.zkey");
    expect(reason).to.include('expected "Alice"');
    expect(coordinator.output).to.include("refused contribution-2.zkey");
  });

  it("writes a final zkey that passes check like the committed ceremony's", async () => {
    const check = await runScript("check.ts", ["--circuit", "policy", "--ceremony-dir", out, "--ptau", phase1Path])
      .done;
    expect(check.code, check.output).to.equal(0);
    expect(check.output).to.include("zkey verifies against the r1cs and the phase-1 file");
    expect(check.output).to.include("the manifest's 3 contribution(s) are the zkey's own");
    expect(manifest.files.zkey.sha256).to.equal(await sha256File(join(out, "policy_final.zkey")));
  });

  it("leaves the committed ceremony untouched", async () => {
    expect(await sha256File(policy.zkey)).to.equal(committedZkeyHash);
  });

  it("makes a key whose contribution chain is the three contributors and the beacon", async () => {
    const reader = chainReader();
    const verified: boolean = await snarkjs.zKey.verifyFromInit(
      roundFile(handoff, 0),
      phase1Path,
      join(out, "policy_final.zkey"),
      reader.logger,
    );
    expect(verified).to.equal(true);
    const names = reader.chain().map((entry) => entry.name);
    expect(names).to.deep.equal(["Alice", "Bob", "Carol", "zkagent final beacon"]);
  });
});
