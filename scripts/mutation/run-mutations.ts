/**
 * The mutation engine shared by the contract and agent guard checks: for each mutation, replace
 * its text in place (it must occur exactly once), run the suites in order until one fails
 * ("killed") or all pass ("SURVIVED"), restore the file. Files are restored also on Ctrl-C.
 * Writes a JSON report and prints a table; exits 1 if any mutation survived.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

export interface Mutation {
  name: string;
  file: string;
  find: string;
  replace: string;
}

/** A guard removed outright. */
export const drop = (name: string, file: string, find: string): Mutation => ({ name, file, find, replace: "" });

export interface Suite {
  name: string;
  command: string;
  args: string[];
  cwd: string;
}

export function runMutations(mutations: Mutation[], suites: Suite[], reportPath: string): never {
  const originals = new Map([...new Set(mutations.map((m) => m.file))].map((f) => [f, readFileSync(f, "utf8")]));
  const restore = () => {
    for (const [file, text] of originals) writeFileSync(file, text);
  };
  process.on("SIGINT", () => {
    restore();
    process.exit(130);
  });

  const results: { name: string; killed: boolean; by: string }[] = [];
  try {
    for (const mutation of mutations) {
      const text = originals.get(mutation.file)!;
      if (text.split(mutation.find).length !== 2)
        throw new Error(`mutation "${mutation.name}": its text is not found exactly once; update the script`);
      writeFileSync(mutation.file, text.replace(mutation.find, mutation.replace));
      let killedBy = "";
      for (const suite of suites) {
        const run = spawnSync(suite.command, suite.args, { cwd: suite.cwd, encoding: "utf8" });
        const failing = /(\d+) failing/.exec(run.stdout)?.[1];
        if (run.status !== 0 || failing) {
          killedBy = `${suite.name}${failing ? ` (${failing} failing)` : ` (exit ${run.status})`}`;
          break;
        }
      }
      writeFileSync(mutation.file, text);
      results.push({ name: mutation.name, killed: killedBy !== "", by: killedBy || "SURVIVED" });
      console.log(`${killedBy ? "killed  " : "SURVIVED"}  ${mutation.name}${killedBy ? `  by ${killedBy}` : ""}`);
    }
  } finally {
    restore();
  }
  writeFileSync(reportPath, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
  const survived = results.filter((r) => !r.killed);
  console.log(
    `\n${results.length - survived.length} of ${results.length} mutations killed${survived.length ? `; survived: ${survived.map((r) => r.name).join(", ")}` : ""}`,
  );
  process.exit(survived.length ? 1 : 0);
}
