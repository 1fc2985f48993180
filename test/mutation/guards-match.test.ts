import { spawnSync } from "node:child_process";
import { join } from "node:path";

import { expect } from "chai";

const ROOT = join(import.meta.dirname, "../..");

/**
 * The mutation suites (scripts/mutation) find each guard by its exact text; a refactor that moves
 * or rewrites a guard would leave its mutation unrunnable until someone next runs the hours-long
 * suite. This keeps the lists in step with the code on every test run (`--check` changes nothing).
 */
describe("the mutation suites still find every guard they mutate", () => {
  for (const script of ["guards.ts", "agent-guards.ts"]) {
    it(`${script}: each mutation's text occurs exactly once in its file`, () => {
      const result = spawnSync(
        process.execPath,
        ["--import", "tsx", join(ROOT, "scripts/mutation", script), "--check"],
        { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
      );
      expect(result.stdout, result.stderr).to.match(/^(\d+) of \1 mutations match exactly once$/m);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
    });
  }
});
