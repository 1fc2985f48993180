/**
 * `npx pnpm demo:federated` as the README runs it (a child process, one round), judged by what it
 * writes: the round proven in two chunks, verified by FederatedRound, approved through the time
 * lock, with its lineage back to the shipped model.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import type { FederatedSummary } from "../../scripts/federated/run-federated.ts";

const ROOT = join(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const SHIPPED = JSON.parse(readFileSync(join(ROOT, "packages/agent/models/decision-model-v1.json"), "utf8")) as {
  commitment: { hex: string };
};

describe("`npx pnpm demo:federated`: operators' updates aggregated, proven, verified on chain and approved", function () {
  this.timeout(300_000);
  const out = mkdtempSync(join(tmpdir(), "zkagent-fl-demo-"));
  after(() => rmSync(out, { recursive: true, force: true }));

  it("runs one round from the shipped model: a proven aggregate with its lineage, approved, in the table and the report", async () => {
    const { status, stdout, stderr } = await new Promise<{ status: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          TSX,
          ["scripts/federated/demo.ts", "--rounds", "1", "--out", out],
          { cwd: ROOT, encoding: "utf8", timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      },
    );
    expect(status, stderr).to.equal(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as FederatedSummary;
    expect(BigInt(summary.base.model)).to.equal(BigInt(SHIPPED.commitment.hex));
    expect(summary.rounds).to.have.length(1);
    const [round] = summary.rounds;
    expect(round!.lineage).to.deep.equal({ roundId: 0, baseModel: summary.base.model });
    expect(round!.alreadyRegistered).to.equal(false);
    expect(round!.approveGas.execute).to.be.greaterThan(0);
    expect(round!.participants.map((p) => p.operator)).to.deep.equal(["reverter", "trender", "volatile", "gapped"]);
    expect(new Set(round!.participants.map((p) => p.updateCommitment)).size).to.equal(4);
    expect(round!.chunks.map((c) => c.constraints)).to.deep.equal([12_223, 11_463]);
    for (const chunk of round!.chunks) expect(chunk.verifyGas).to.be.within(200_000, 300_000);
    expect(round!.finalizeGas).to.be.greaterThan(0);
    expect(round!.accuracy.overall).to.be.within(0.3, 0.7);
    expect(stdout)
      .to.match(/^round 1 +0x/m)
      .and.to.match(/base \(shipped\)/);
    expect(readFileSync(join(out, "report.html"), "utf8")).to.contain(
      "Not proven: that local training followed the code",
    );
  });
});
