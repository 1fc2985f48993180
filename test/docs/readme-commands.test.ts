/**
 * README command 1 leaves no pnpm on the PATH (#20, item 4): it installs the workspace's own
 * pinned pnpm instead, and every later command in the README runs it as `npx pnpm …`. These
 * checks keep the README, the pin and CI saying the same thing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

const ROOT = join(import.meta.dirname, "../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  packageManager: string;
  devDependencies: Record<string, string>;
};
const ciRun = readFileSync(join(ROOT, ".ci/run"), "utf8");

/** The lines of the README's sh code blocks, in order. */
function shellLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  return blocks.flatMap((block) => block.split("\n").filter((line) => line.trim() && !line.startsWith("#")));
}

describe("the README's commands after command 1", () => {
  const pinned = manifest.packageManager.replace(/^pnpm@/, "");

  it("command 1 and CI use the pinned pnpm, and command 1 installs that same pnpm into the workspace", () => {
    expect(readme).to.include(`npx -y pnpm@${pinned} install && npx -y pnpm@${pinned} demo`);
    expect(ciRun).to.include(`PNPM_VERSION=${pinned}`);
    expect(manifest.devDependencies.pnpm, "devDependencies.pnpm = packageManager").to.equal(pinned);
  });

  it("every later shell command runs pnpm as `npx pnpm` (no pnpm on the PATH needed)", () => {
    const lines = shellLines(readme);
    const first = lines.findIndex((line) => line.includes(`npx -y pnpm@${pinned} install`));
    expect(first).to.equal(0);
    const later = lines.slice(1).filter((line) => /(^|[\s;&|(])pnpm\s/.test(line));
    const bare = later.filter((line) => !/(^|[\s;&|(])npx (-y pnpm@[\d.]+|pnpm)\s/.test(line));
    expect(bare, "commands that need pnpm on the PATH").to.deep.equal([]);
    expect(later.length).to.be.greaterThan(10);
  });

  it("so do the commands in the tables and the text (`pnpm <script>` only as `npx pnpm <script>`)", () => {
    const spans = [...readme.matchAll(/`([^`\n]*\bpnpm [^`\n]*)`/g)].map((m) => m[1]!);
    const bare = spans.filter(
      (span) =>
        /(^|[\s;&|(])pnpm (zkagent|demo|hardhat|fork-suite|--filter|lint|tsx|bench|local-network|test|-s)\b/.test(
          span,
        ) && !/npx (-y pnpm@[\d.]+|pnpm) /.test(span),
    );
    // The sentence saying plain `pnpm …` is the same with pnpm on your PATH is the one exception.
    expect(
      bare.filter((span) => !["pnpm test", "pnpm zkagent …", "pnpm install && pnpm demo"].includes(span)),
    ).to.deep.equal([]);
  });
});
