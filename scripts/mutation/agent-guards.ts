/**
 * Mutation check of the agent's fault handling: remove or weaken each guard the fault-injection
 * work added (and the journal's lock, the hostile-GGUF bounds and the quote before proving), rerun
 * the guard's own unit tests and then (or only) the fault-injection and on-chain agent suites,
 * and show that a test fails. Writes scripts/mutation/agent-report.json. About 25 minutes
 * here; run it on an otherwise idle machine (the fault tests' timeouts are real). `--check` only
 * confirms that every mutation's text is found exactly once.
 *
 *   tsx scripts/mutation/agent-guards.ts [--only name,name] [--check]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";

import { byName, drop, runMutations, type Mutation, type Suite } from "./run-mutations.ts";

const root = join(import.meta.dirname, "../..");
const agentDir = join(root, "packages/agent");
const src = (file: string) => join(agentDir, "src", file);
const AGENT = src("agent.ts");
const CLIENT = src("chain/trader-client.ts");
const FAULTS = src("chain/fault-reporter.ts");
const RETRY = src("chain/retry.ts");
const PROVIDER = src("chain/rpc-provider.ts");
const LEDGER = src("journal/ledger.ts");
const LOCK = src("journal/journal-lock.ts");
const GGUF = src("model/gguf-header.ts");
const FIT = src("quote/fit-to-pool.ts");
const LIFECYCLE = src("journal/trade-lifecycle.ts");
const WINDOW = src("market/read-window.ts");
const LOOP = src("run-loop.ts");
const hardhat = join(root, "node_modules/.bin/hardhat");
/** The fault-injection suite and the agent on chain. */
const ONCHAIN: Suite = {
  name: "fault injection + agent on chain",
  command: hardhat,
  args: ["test", "mocha", "test/faults/rpc-faults.test.ts", "test/agent/agent.test.ts"],
  cwd: root,
};
/** The agent's unit tests in `files` only (a guard's own tests, faster than the whole set). */
const unit = (...files: string[]): Suite => ({
  name: "agent unit tests",
  command: join(agentDir, "node_modules/.bin/mocha"),
  // Not .mocharc's spec (mocha would add every test to the files named); --exit: a mutant that
  // leaves a handle open must not keep mocha waiting once its tests are done.
  args: ["--no-config", "--node-option", "import=tsx", "--timeout", "120000", "--exit", ...files],
  cwd: agentDir,
});

const mutations: Mutation[] = [
  drop("reorg detection", AGENT, "    await detectReorg(this.journal, this.client, this.options.log);\n"),
  drop(
    "no new trade while a send is open",
    AGENT,
    'if ((await this.recover()) > 0) return { tick, skipped: "a sent transaction is still pending" };',
  ),
  {
    name: "a fault reported once per episode",
    file: FAULTS,
    find: "if (this.episode?.kind === kind) {",
    replace: "if (false) {",
    suites: [unit("test/fault-reporter.test.ts")],
  },
  {
    name: "a failing tick reported once per outage",
    file: LOOP,
    find: "if (failing?.name === error.name) {",
    replace: "if (false) {",
  },
  {
    name: "a re-sent transaction that got through counts as sent",
    file: CLIENT,
    find: "/already known|known transaction|nonce too low|already imported/i",
    replace: "/^never matches$/",
  },
  {
    name: "a revert at submission settled by its receipt",
    file: CLIENT,
    find: 'const revertedAtSubmission = e.error?.code === 3 || /revert/i.test(String(e.error?.message ?? ""));',
    replace: "const revertedAtSubmission = false;",
  },
  drop("request timeout", PROVIDER, "  request.timeout = options.timeoutMs ?? 30_000;\n"),
  drop("HTTP 429 to the retry layer", PROVIDER, "  request.retryFunc = async () => false;\n"),
  {
    name: "a rate limit dressed as CALL_EXCEPTION is transient",
    file: RETRY,
    find: "return e?.error ?? e?.info?.error;",
    replace: "return e?.error;",
    suites: [unit("test/retry.test.ts", "test/fault-reporter.test.ts", "test/decode-error.test.ts"), ONCHAIN],
  },
  {
    ...drop("only a revert is a missing round", WINDOW, "    if (!isRevert(error)) throw error;\n"),
    suites: [
      unit("test/market-and-model.test.ts", "test/fault-reporter.test.ts", "test/price-history.test.ts"),
      ONCHAIN,
    ],
  },
  {
    name: "a reorg reopens the signed transaction",
    file: LEDGER,
    find: "FROM trades WHERE state IN ('proved', 'signed', 'reorged') ORDER BY trader_nonce, id",
    replace: "FROM trades WHERE state IN ('proved', 'signed') ORDER BY trader_nonce, id",
    suites: [unit("test/ledger.test.ts", "test/trade-lifecycle.test.ts"), ONCHAIN],
  },
  {
    name: "the lifecycle refuses an illegal move",
    file: LIFECYCLE,
    find: "if (!TRADE_TRANSITIONS[row.state].includes(to)) throw new IllegalTransitionError(describe(row), row.state, to);",
    replace: "",
    suites: [unit("test/trade-lifecycle.test.ts"), ONCHAIN],
  },
  {
    // the old hazard: a second transaction for a nonce while the first is open
    name: "no second proof while a trade for the nonce is open",
    file: LIFECYCLE,
    find: 'if (open) throw new IllegalTransitionError(describe(open), open.state, "proved (a second proof for the nonce)");',
    replace: "",
    suites: [unit("test/trade-lifecycle.test.ts"), ONCHAIN],
  },
  {
    name: "hostile GGUF counts",
    file: GGUF,
    find: "if (tensors > MAX_TENSORS || keys > MAX_METADATA_KEYS) {",
    replace: "if (false) {",
    suites: [unit("test/market-and-model.test.ts", "test/gguf-header.test.ts")],
  },
  {
    name: "hostile GGUF lengths bounded before reading",
    file: GGUF,
    find: "if (declared > BigInt(limit)) {",
    replace: "if (false) {",
    suites: [unit("test/gguf-header.test.ts")],
  },
  {
    // the journal's lock: a second agent on the same data directory is refused
    name: "one writer per journal",
    file: LOCK,
    find: '      db.exec("BEGIN EXCLUSIVE");\n',
    replace: "",
    suites: [unit("test/journal.test.ts", "test/ledger.test.ts")],
  },
  {
    name: "a quote that breaks the bound is not proven as is",
    file: FIT,
    find: "const fits = bound > 0n && quoted !== undefined && (action === Action.BUY ? quoted <= bound : quoted >= bound);",
    replace: "const fits = true;",
    suites: [
      unit("test/pre-proof-checks.test.ts"),
      {
        name: "agent on chain",
        command: hardhat,
        args: ["test", "mocha", "test/agent/pre-proof-checks.test.ts"],
        cwd: root,
      },
    ],
  },
];

const { values } = parseArgs({ options: { only: { type: "string" }, check: { type: "boolean" } } });
// --only runs the named mutations in the order named.
const selected = values.only ? values.only.split(",").map((name) => byName(mutations, name)) : mutations;
// The default, for the guards only the real agent against a faulty node shows.
runMutations(selected, [ONCHAIN], join(import.meta.dirname, "agent-report.json"), { check: values.check });
