import { Option, type Command } from "commander";

import { terminateSnarkjs } from "@zkagent/circuits";

import { addressArgument, rpcUrlArgument, wholeNumberArgument } from "../cli-arguments.ts";
import { writeJson } from "../cli-json.ts";
import { openNode } from "../chain/open-node.ts";
import { auditHub, type HubAuditReport } from "./audit-hub.ts";

/** `zkagent audit-hub`: re-verify a signal hub's publications and its followers' executions. */
export function registerAuditHubCommand(program: Command): void {
  program
    .command("audit-hub")
    .description(
      "re-verify every signal a SignalHub published (proof, windows against the feeds, rules, binding) and every follow of the given vaults (exit 1 if any check fails)",
    )
    .addOption(
      new Option("--rpc-url <url>", "JSON-RPC endpoint of the chain to audit")
        .argParser(rpcUrlArgument)
        .makeOptionMandatory(),
    )
    .requiredOption("--hub <address>", "the SignalHub", addressArgument)
    .option(
      "--follower <address>",
      "a following vault whose executions to check (repeatable)",
      (value: string, values: string[]) => [...values, addressArgument(value)],
      [] as string[],
    )
    .addOption(new Option("--from-block <n>", "first block to scan").argParser(wholeNumberArgument(0)))
    .option("--json", "machine-readable report")
    .action(async (flags: { rpcUrl: string; hub: string; follower: string[]; fromBlock?: number; json?: boolean }) => {
      const provider = await openNode(flags.rpcUrl);
      let report: HubAuditReport;
      try {
        report = await auditHub({
          provider,
          hubAddress: flags.hub,
          followers: flags.follower,
          ...(flags.fromBlock === undefined ? {} : { fromBlock: flags.fromBlock }),
        });
      } finally {
        provider.destroy();
        await terminateSnarkjs();
      }
      if (flags.json) writeJson(report);
      else process.stdout.write(renderHubAudit(report));
      process.exitCode = report.failures > 0 ? 1 : 0;
    });
}

/** The audit as text: one block per publication and per follow, failed checks spelled out. */
export function renderHubAudit(report: HubAuditReport): string {
  const lines = [
    `hub ${report.hub}, blocks ${report.fromBlock}–${report.toBlock}: ${report.publications.length} publications, ${report.follows.length} follows, ${report.failures} failing`,
  ];
  for (const p of report.publications) {
    const ok = p.checks.every((c) => c.status === "ok");
    const markets = p.markets.map((m) => `${m.action} ${m.sizeBps} bps @ round ${m.roundId}`).join("; ");
    lines.push(`  ${ok ? "ok  " : "FAIL"} ${p.txHash} by ${p.publisher}: ${markets}`);
    for (const c of p.checks.filter((c) => c.status === "fail")) {
      lines.push(`         ✗ ${c.name}${c.detail ? `: ${c.detail}` : ""}`);
    }
  }
  for (const f of report.follows) {
    const ok = f.checks.every((c) => c.status === "ok");
    lines.push(`  ${ok ? "ok  " : "FAIL"} ${f.txHash} vault ${f.vault}: ${f.action} ${f.size}`);
    for (const c of f.checks.filter((c) => c.status === "fail")) {
      lines.push(`         ✗ ${c.name}${c.detail ? `: ${c.detail}` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
