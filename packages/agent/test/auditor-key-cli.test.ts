import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { parseViewKeyFile } from "../src/index.ts";

const CLI = join(import.meta.dirname, "../bin/zkagent.js");
const cwd = mkdtempSync(join(tmpdir(), "zkagent-auditor-cli-"));

function zkagent(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("zkagent auditor-key: auditors' view keys", function () {
  this.timeout(120_000);

  it("writes a new view key only its owner can read, and prints the recipient for the agent's config", () => {
    const out = join(cwd, "acme.key");
    const { status, stdout } = zkagent("auditor-key", "new", "--id", "acme-2026q4", "--out", out);
    expect(status).to.equal(0);
    expect(statSync(out).mode & 0o777).to.equal(0o600);
    const [key] = parseViewKeyFile(readFileSync(out, "utf8"));
    expect(key!.id).to.equal("acme-2026q4");
    const entry = JSON.parse(stdout.split("\n").find((line) => line.startsWith("{"))!) as {
      id: string;
      recipient: string;
    };
    expect(entry.id).to.equal("acme-2026q4");
    expect(entry.recipient).to.match(/^age1[0-9a-z]+$/);
    const listed = zkagent("auditor-key", "recipient", out);
    expect(listed.status).to.equal(0);
    expect(JSON.parse(listed.stdout)).to.deep.equal(entry);
  });

  it("never overwrites a view key, refuses a bad id, and says what audit --view-key needs", () => {
    const out = join(cwd, "existing.key");
    writeFileSync(out, "keep me");
    const again = zkagent("auditor-key", "new", "--id", "acme", "--out", out);
    expect(again.status).to.equal(2);
    expect(again.stderr).to.match(/^ConfigError: cannot write .*never overwritten/);
    expect(readFileSync(out, "utf8")).to.equal("keep me");
    const badId = zkagent("auditor-key", "new", "--id", "acme/2026", "--out", join(cwd, "bad.key"));
    expect(badId.status).to.equal(2);
    expect(badId.stderr).to.match(/--id acme\/2026: must be 1-64 letters/);
    const noStore = zkagent(
      "audit",
      "--rpc-url",
      "http://127.0.0.1:9",
      "--trader",
      "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      "--view-key",
      out,
    );
    expect(noStore.status).to.equal(2);
    expect(noStore.stderr).to.match(/^ConfigError: audit --view-key needs --records/);
  });
});
