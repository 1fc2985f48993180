/**
 * The mutation engine shared by the contract and agent guard checks: for each mutation, replace
 * its text in place (it must occur exactly once), run the suites in order until one fails
 * ("killed") or all pass ("SURVIVED"), restore the file. Files are restored also on Ctrl-C.
 * A mutation may name its own suites (the targeted tests of its guard) in place of the default
 * ones. Writes a JSON report and prints a table; exits 1 if any mutation survived. With
 * `check`, only confirms that every mutation's text occurs exactly once, changing nothing.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface Mutation {
  name: string;
  file: string;
  find: string;
  replace: string;
  /** The suites to run against this mutation, in order; the default ones if absent. */
  suites?: Suite[];
}

/** The mutation called `name`; throws naming the choices if there is none. */
export function byName(mutations: Mutation[], name: string): Mutation {
  const found = mutations.find((m) => m.name === name);
  if (!found) throw new Error(`no mutation "${name}"; the mutations are: ${mutations.map((m) => m.name).join(", ")}`);
  return found;
}

/** A guard removed outright. */
export const drop = (name: string, file: string, find: string): Mutation => ({ name, file, find, replace: "" });

export interface Suite {
  name: string;
  command: string;
  args: string[];
  cwd: string;
}

export function runMutations(
  mutations: Mutation[],
  suites: Suite[],
  reportPath: string,
  options: { check?: boolean } = {},
): never {
  const originals = new Map([...new Set(mutations.map((m) => m.file))].map((f) => [f, readFileSync(f, "utf8")]));
  const misplaced = mutations.filter((m) => originals.get(m.file)!.split(m.find).length !== 2);
  if (options.check) {
    for (const m of misplaced) console.log(`not found exactly once: ${m.name}`);
    console.log(`${mutations.length - misplaced.length} of ${mutations.length} mutations match exactly once`);
    process.exit(misplaced.length ? 1 : 0);
  }
  if (misplaced.length) {
    throw new Error(`not found exactly once (update the script): ${misplaced.map((m) => m.name).join(", ")}`);
  }
  const restore = () => {
    for (const [file, text] of originals) writeFileSync(file, text);
  };
  // The loop below never yields to the event loop, so this handler runs only between runs; a
  // suite ended by a signal (Ctrl-C reaches the whole process group) stops the run instead.
  process.on("SIGINT", () => {
    restore();
    process.exit(130);
  });

  const started = Date.now();
  // The commit the sources were at (a mutation run in a clone names what it checked).
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], {
    cwd: dirname(reportPath),
    encoding: "utf8",
  }).stdout?.trim();
  const results: { name: string; killed: boolean; by: string; seconds: number }[] = [];
  // Written after every mutation, so a run stopped part-way leaves what it found ("complete": false).
  const writeReport = (complete: boolean) => {
    const minutes = Math.round((Date.now() - started) / 60_000);
    const report = { date: new Date().toISOString(), commit, minutes, complete, of: mutations.length, results };
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    return minutes;
  };
  try {
    for (const mutation of mutations) {
      const text = originals.get(mutation.file)!;
      const mutationStarted = Date.now();
      writeFileSync(mutation.file, text.replace(mutation.find, mutation.replace));
      let killedBy = "";
      for (const suite of mutation.suites ?? suites) {
        const run = spawnSync(suite.command, suite.args, { cwd: suite.cwd, encoding: "utf8" });
        // (a suite's command may be a shell wrapper: its child ended by a signal exits 128 + n)
        if (run.signal || run.status === 130 || run.status === 143) {
          restore();
          console.log(
            `stopped: ${suite.name} ended by ${run.signal ?? `exit ${run.status}`}; ${results.length} mutations done (report.complete false)`,
          );
          process.exit(130);
        }
        const failing = /(\d+) failing/.exec(run.stdout)?.[1];
        if (run.status !== 0 || failing) {
          // An exit without failing tests may be a mutant that does not compile: keep its last words.
          const lastLine = `${run.stderr ?? ""}`.trim().split("\n").at(-1)?.slice(0, 160) ?? "";
          killedBy = `${suite.name}${failing ? ` (${failing} failing)` : ` (exit ${run.status}${lastLine ? `: ${lastLine}` : ""})`}`;
          break;
        }
      }
      writeFileSync(mutation.file, text);
      const seconds = Math.round((Date.now() - mutationStarted) / 1000);
      results.push({ name: mutation.name, killed: killedBy !== "", by: killedBy || "SURVIVED", seconds });
      writeReport(false);
      console.log(`${killedBy ? "killed  " : "SURVIVED"}  ${mutation.name}${killedBy ? `  by ${killedBy}` : ""}`);
    }
  } finally {
    restore();
  }
  const minutes = writeReport(true);
  const survived = results.filter((r) => !r.killed);
  console.log(
    `\n${results.length - survived.length} of ${results.length} mutations killed in ${minutes} min${survived.length ? `; survived: ${survived.map((r) => r.name).join(", ")}` : ""}`,
  );
  process.exit(survived.length ? 1 : 0);
}
