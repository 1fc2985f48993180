/**
 * Mutation check of the agent's fault handling: remove or weaken each guard the fault-injection
 * work added, rerun the agent's unit tests and then the fault-injection and on-chain agent suites,
 * and show that a test fails. Writes scripts/mutation/agent-report.json. About 25 minutes here;
 * run it on an otherwise idle machine (the fault tests' timeouts are real).
 *
 *   tsx scripts/mutation/agent-guards.ts [--only name,name]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";

import { drop, runMutations, type Mutation } from "./run-mutations.ts";

const root = join(import.meta.dirname, "../..");
const agentDir = join(root, "packages/agent");
const src = (file: string) => join(agentDir, "src", file);
const AGENT = src("agent.ts");
const CLIENT = src("chain/trader-client.ts");
const FAULTS = src("chain/fault-reporter.ts");
const RETRY = src("chain/retry.ts");
const PROVIDER = src("chain/rpc-provider.ts");
const LEDGER = src("journal/ledger.ts");
const LIFECYCLE = src("journal/trade-lifecycle.ts");
const WINDOW = src("market/read-window.ts");
const MODEL_FILE = src("model/model-file.ts");
const LOOP = src("run-loop.ts");

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
  },
  drop("only a revert is a missing round", WINDOW, "      if (!isRevert(error)) throw error;\n"),
  {
    name: "a reorg reopens the signed transaction",
    file: LEDGER,
    find: "FROM trades WHERE state IN ('proved', 'signed', 'reorged') ORDER BY trader_nonce, id",
    replace: "FROM trades WHERE state IN ('proved', 'signed') ORDER BY trader_nonce, id",
  },
  {
    name: "the lifecycle refuses an illegal move",
    file: LIFECYCLE,
    find: "if (!TRADE_TRANSITIONS[row.state].includes(to)) throw new IllegalTransitionError(describe(row), row.state, to);",
    replace: "",
  },
  {
    // the old hazard: a second transaction for a nonce while the first is open
    name: "no second proof while a trade for the nonce is open",
    file: LIFECYCLE,
    find: 'if (open) throw new IllegalTransitionError(describe(open), open.state, "proved (a second proof for the nonce)");',
    replace: "",
  },
  {
    name: "hostile GGUF counts",
    file: MODEL_FILE,
    find: "if (tensors > MAX_TENSORS || keys > MAX_METADATA_KEYS) {",
    replace: "if (false) {",
  },
];

const { values } = parseArgs({ options: { only: { type: "string" } } });
const selected = values.only ? mutations.filter((m) => values.only!.split(",").includes(m.name)) : mutations;
const hardhat = join(root, "node_modules/.bin/hardhat");
runMutations(
  selected,
  [
    { name: "agent unit tests", command: join(agentDir, "node_modules/.bin/mocha"), args: [], cwd: agentDir },
    {
      name: "fault injection + agent on chain",
      command: hardhat,
      args: ["test", "mocha", "test/faults/rpc-faults.test.ts", "test/agent/agent.test.ts"],
      cwd: root,
    },
  ],
  join(import.meta.dirname, "agent-report.json"),
);
