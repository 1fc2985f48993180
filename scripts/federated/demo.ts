/**
 * npx pnpm demo:federated — four simulated operators, each with a private price regime, improve
 * the shipped proven model in federated rounds on the in-process chain: local training, committed
 * updates, FedAvg proven in two chunks (AggregationProver), verified by FederatedRound.finalize,
 * the candidate registered and approved through the time lock, the next round's base. Prints a
 * table and writes summary.json and report.html.
 *
 *   npx pnpm demo:federated [--rounds 3] [--epochs 3] [--out federated-output]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { loadProvenModelFile } from "@zkagent/agent";
import { network } from "hardhat";

import { deployFederatedChain } from "./federated-chain.ts";
import { renderFederatedHtml, renderFederatedTable } from "./federated-report.ts";
import { DEMO_LOCAL_TRAINING } from "./operators.ts";
import { runFederated } from "./run-federated.ts";

const USAGE = `usage: npx pnpm demo:federated [--rounds 3] [--epochs 3] [--out federated-output]

  --rounds n    federated rounds (1..10, default 3)
  --epochs n    local training epochs per round (1..50, default ${DEMO_LOCAL_TRAINING.epochs})
  --out dir     where summary.json and report.html go (default federated-output)`;

function usageError(message: string): never {
  console.error(`demo:federated: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integerOption(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) usageError(`--${name} must be an integer in 1..${max}, got ${value}`);
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      rounds: { type: "string" },
      epochs: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
  }));
} catch (error) {
  usageError((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const rounds = integerOption(values.rounds, "rounds", 3, 10);
const epochs = integerOption(values.epochs, "epochs", DEMO_LOCAL_TRAINING.epochs, 50);
const out = resolve(values.out ?? "federated-output");
/** The shipped proven model: the first round's base. */
const SHIPPED_MODEL = fileURLToPath(new URL("../../packages/agent/models/decision-model-v1.json", import.meta.url));

const { model: base } = await loadProvenModelFile(SHIPPED_MODEL);
const { ethers, networkHelpers } = await network.connect();
const chain = await deployFederatedChain(ethers, networkHelpers);
const summary = await runFederated(chain, base, {
  rounds,
  training: { ...DEMO_LOCAL_TRAINING, epochs },
  log: (line) => console.error(line),
});

console.log(renderFederatedTable(summary));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(join(out, "report.html"), renderFederatedHtml(summary));
console.log(`\nwrote ${join(out, "summary.json")} and ${join(out, "report.html")}`);
process.exit(0);
