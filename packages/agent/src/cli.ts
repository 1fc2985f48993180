import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";

import { VoidSigner, Wallet } from "ethers";
import { InvalidArgumentError, Option, type Command } from "commander";

import { Agent, journalPath } from "./agent.ts";
import { assertChainId } from "./chain/assert-chain-id.ts";
import { keystoreAddress, loadSigner, writeKeystore, type KeySource } from "./chain/keys.ts";
import { TraderClient } from "./chain/trader-client.ts";
import { loadConfig, type AgentConfig } from "./config.ts";
import { addressArgument, pathArgument, rpcUrlArgument, wholeNumberArgument } from "./cli-arguments.ts";
import { ZkagentCommand } from "./cli-command.ts";
import { AgentMetrics } from "./monitor/agent-metrics.ts";
import { askHealth } from "./monitor/ask-health.ts";
import { healthMaxAgeSeconds } from "./monitor/health.ts";
import { startMonitorServer, type MonitorServer } from "./monitor/monitor-server.ts";
import { DryRunStop, describeSignedTransaction, lastCycle, refuseBroadcasts, type WouldSend } from "./cli-dry-run.ts";
import { writeJson } from "./cli-json.ts";
import { assertDecentralizedTrader } from "./chain/assert-trader.ts";
import { openNode } from "./chain/open-node.ts";
import { cannotRead } from "./file-errors.ts";
import { operatorError } from "./operator-error.ts";
import { ConfigError } from "./errors.ts";
import { GovernanceWatch, governanceStatus } from "./governance/governance-watch.ts";
import { JournalView } from "./journal/journal.ts";
import { createLogger, type Logger } from "./log.ts";
import { runAgent, type TickResult } from "./run-loop.ts";
import { rpcProvider } from "./chain/rpc-provider.ts";
import { writeTinyModel } from "./model/bundled-model.ts";
import { modelHashOf } from "./model/model-file.ts";
import { TINY_MODEL_SEED } from "./model/tiny-model.ts";
import { loadProvenModelFile } from "./model/proven/model-file.ts";
import { renderInspection, renderSummary } from "./model/proven/render-proven-model.ts";
import { loadTrainingConfig, trainProvenModel, writeProvenModel } from "./model/proven/train-proven-model.ts";
import { DEFAULT_TRAINING_CONFIG } from "./model/proven/training-config.ts";
import { compiledVerifierCode, renderAudit, renderHistoryFindings, renderRecordAudit } from "./audit/render-audit.ts";
import { auditExitCode, auditJson, runAudit, type AuditOutcome } from "./audit/run-audit.ts";
import { requestsVia } from "./audit/audit-node.ts";
import { stderrProgress } from "./audit/audit-progress.ts";
import { renderAuditHtml } from "./audit/audit-html.ts";
import { newAuditorKey, parseViewKeyFile, type ViewKey } from "./disclosure/auditor-keys.ts";
import { recordStoreAt } from "./disclosure/record-store.ts";
import { identityToRecipient } from "age-encryption";
import { terminateSnarkjs } from "@zkagent/circuits";
import { registerWatchCommand } from "./watch/watch-command.ts";
import { registerAuditHubCommand } from "./audit/audit-hub-command.ts";
import { registerBondCommand } from "./optimistic/bond-command.ts";
import { registerBacktestCommand } from "./backtest/backtest-command.ts";
import { registerFederatedCommand } from "./federated/federated-command.ts";
import { optimisticSection } from "./optimistic/optimistic-status.ts";
import { hubSection } from "./hub/hub-status.ts";

interface CommonFlags {
  config?: string;
  json?: boolean;
  model?: string;
  rpcUrl?: string;
}

/**
 * A dry run's place: the agent runs on a copy of its journal in `scratchDir` (the tiny model and
 * any sealed record land there too), and its provider refuses to broadcast (see cli-dry-run.ts).
 */
interface DryRun {
  scratchDir: string;
  /** Every signed transaction the provider refused to broadcast, in order. */
  refused: string[];
}

async function startAgent(
  flags: CommonFlags,
  log: Logger,
  dryRun?: DryRun,
): Promise<{ agent: Agent; config: AgentConfig }> {
  const config = await loadConfig(flags.config, { modelPath: flags.model, rpcUrl: flags.rpcUrl });
  const provider = rpcProvider(config.rpcUrl, config.chainId, { timeoutMs: config.rpcTimeoutSeconds * 1000 });
  if (dryRun) refuseBroadcasts(provider, dryRun.refused);
  const wallet = await loadSigner(config.key, provider);
  log.info(`agent ${wallet.address} → trader ${config.traderAddress} on chain ${config.chainId}`);
  if (dryRun) {
    // The cycle journals as it always does, on a copy: the agent's own journal is never opened for writing.
    const chainId = BigInt(config.chainId);
    const real = JournalView.openReadOnly(journalPath(config.dataDir, chainId, config.traderAddress, wallet.address));
    try {
      real?.copyTo(journalPath(dryRun.scratchDir, chainId, config.traderAddress, wallet.address));
    } finally {
      real?.close();
    }
    config.dataDir = dryRun.scratchDir;
    if (config.disclosure) config.disclosure.store = join(dryRun.scratchDir, "records");
    log.info(`dry run: nothing is broadcast; the cycle runs on a copy of the journal in ${dryRun.scratchDir}`);
  }
  if (config.disclosure) {
    const active = config.disclosure.auditors.filter((k) => !k.revoked).map((k) => k.id);
    log.info(
      `disclosure: decision records sealed to ${active.join(", ")}${config.disclosure.refusals ? " (refusals too)" : ""}, stored in ${config.disclosure.store}`,
    );
  }
  const agent = await Agent.start({
    wallet,
    traderAddress: config.traderAddress,
    chainId: BigInt(config.chainId),
    dataDir: config.dataDir,
    ...(config.modelPath ? { modelPath: config.modelPath } : {}),
    mode: config.mode,
    path: config.path,
    ...(config.hub ? { hub: config.hub } : {}),
    ...(config.decisionModelPath ? { decisionModelPath: config.decisionModelPath } : {}),
    ...(config.notesPath ? { notesPath: config.notesPath } : {}),
    ...(config.threads ? { threads: config.threads } : {}),
    gpu: config.gpu,
    prover: config.prover,
    proofSystem: config.proofSystem,
    temperature: config.temperature,
    seed: config.seed,
    deadlineSeconds: config.deadlineSeconds,
    confirmTimeoutMs: config.confirmTimeoutSeconds * 1000,
    minTradeWindowSeconds: config.minTradeWindowSeconds,
    governanceFromBlock: config.governanceFromBlock,
    ...(config.quoterAddress ? { quoterAddress: config.quoterAddress } : {}),
    ...(config.oracleAgeMarginSeconds === undefined ? {} : { oracleAgeMarginSeconds: config.oracleAgeMarginSeconds }),
    retry: { retries: config.rpcRetries, baseDelayMs: 250, maxDelayMs: 8_000 },
    ...(config.disclosure
      ? {
          disclosure: {
            auditors: config.disclosure.auditors,
            store: recordStoreAt(config.disclosure.store!),
            refusals: config.disclosure.refusals,
          },
        }
      : {}),
    log,
    onProgress: (step, ms) => log.info(`${step}: ${ms.toFixed(0)} ms`),
  });
  return { agent, config };
}

function summarise(report: TickResult, log: Logger): void {
  if ("skipped" in report) return; // runAgent reports skips, once per reason
  const t = report.timingsMs;
  log.info(`tick ${report.tick} done`, {
    round: report.roundId,
    verdict: report.verdict,
    ...(report.rule ? { rule: report.rule } : {}),
    ...(report.outcome ? { outcome: report.outcome, tx: report.txHash } : {}),
    timingsMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v ?? 0)])),
  });
}

/** The agent package's version, from its package.json (one folder above src/ and dist/ alike). */
function agentVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(cannotRead("file", file, error));
  }
}

const program = new ZkagentCommand("zkagent")
  .description("Provable AI trading agent: local LLM signal → policy pre-check → Groth16 proof → DecentralizedTrader")
  .version(agentVersion(), "-V, --version", "print zkagent's version")
  .showHelpAfterError();

const configOption = () =>
  new Option(
    "-c, --config <file>",
    "JSON config file (ZKAGENT_* environment variables and flags override it; paths in it are relative to its folder)",
  ).argParser(pathArgument);
const rpcUrlOption = () => new Option("--rpc-url <url>", "JSON-RPC endpoint").argParser(rpcUrlArgument);

const withCommon = (command: Command) =>
  command
    .addOption(configOption())
    .addOption(
      new Option("--model <file>", "a GGUF model (default: the bundled tiny stand-in)").argParser(pathArgument),
    )
    .addOption(rpcUrlOption())
    .option("--json", "one JSON object per log line");

withCommon(program.command("once").description("run one cycle now and exit"))
  .option(
    "--dry-run",
    "everything up to the signed transaction, which is printed, not sent; the journal and the record store are left as they are",
  )
  .action(async (flags: CommonFlags & { dryRun?: boolean }) => {
    const log = createLogger(Boolean(flags.json));
    if (flags.dryRun) return dryRunOnce(flags, log);
    const { agent } = await startAgent(flags, log);
    try {
      const result = await agent.tick(0);
      if ("skipped" in result) log.warn(`tick 0 skipped: ${result.skipped}`);
      else summarise(result, log);
    } finally {
      await agent.close();
    }
  });

/**
 * `once --dry-run`: one real cycle (market data, inference, pre-check, proof, simulation, signing)
 * on a scratch copy of the journal, stopped at the broadcast. Prints the decoded transaction (on
 * stdout with --json: one document), or that nothing would be sent and why.
 */
async function dryRunOnce(flags: CommonFlags, log: Logger): Promise<void> {
  const scratchDir = mkdtempSync(join(tmpdir(), "zkagent-dry-run-"));
  const refused: string[] = [];
  let agent: Agent | undefined;
  let report: Record<string, unknown>;
  try {
    try {
      ({ agent } = await startAgent(flags, log, { scratchDir, refused }));
      const result = await agent.tick(0);
      report = {
        dryRun: true,
        wouldSend: null,
        why:
          "skipped" in result
            ? `skipped: ${result.skipped}`
            : `verdict ${result.verdict}${result.rule ? ` (${result.rule})` : ""}${result.reason ? `: ${result.reason}` : ""}`,
        ...("skipped" in result ? {} : { cycle: lastCycle(agent.journal.records()) }),
      };
    } catch (error) {
      if (!(error instanceof DryRunStop)) throw error;
      report = {
        dryRun: true,
        // Stopped during start-up: recovery would re-broadcast a transaction the journal holds.
        ...(agent
          ? { cycle: lastCycle(agent.journal.records()) }
          : { recovery: "re-broadcast of a journaled transaction" }),
        wouldSend: describeSignedTransaction(error.rawTx),
      };
    }
  } finally {
    await agent?.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
  // Sends a step gave up on and carried on past (the optimistic path's claim keeper: answering a
  // challenge, finalising), which the real run would have broadcast.
  const others = refused.filter((raw) => raw !== (report.wouldSend as WouldSend | null)?.raw);
  if (others.length > 0) report.alsoWouldSend = others.map((raw) => (raw ? describeSignedTransaction(raw) : raw));
  if (flags.json) writeJson(report);
  else log.info(report.wouldSend ? "dry run: would send" : "dry run: nothing would be sent", report);
}

withCommon(program.command("run").description("run a cycle on every new oracle round, until stopped"))
  .addOption(new Option("--ticks <n>", "stop after n cycles").argParser(wholeNumberArgument(1)))
  .addOption(
    new Option(
      "--metrics-port <n>",
      "serve Prometheus metrics at /metrics and a health check at /healthz on this port (config: metrics.port; off by default)",
    ).argParser(wholeNumberArgument(0, 65_535)),
  )
  .addOption(new Option("--metrics-host <host>", "the address the metrics endpoint listens on (default 127.0.0.1)"))
  .action(async (flags: CommonFlags & { ticks?: number; metricsPort?: number; metricsHost?: string }) => {
    const log = createLogger(Boolean(flags.json));
    const { agent, config } = await startAgent(flags, log);
    let stopping = false;
    const stop = () => {
      stopping = true;
      log.info("stopping after the current cycle");
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    let monitor: { metrics: AgentMetrics; server: MonitorServer } | undefined;
    try {
      const endpoint = metricsEndpoint(config, flags);
      if (endpoint) {
        const metrics = new AgentMetrics(
          {
            version: agentVersion(),
            agent: agent.client.wallet.address,
            trader: config.traderAddress,
            chainId: config.chainId,
            mode: config.mode,
            path: config.path,
          },
          { faultEpisodes: () => agent.faults.reported.length },
        );
        monitor = { metrics, server: await startMonitorServer(metrics, endpoint) };
        log.info(`metrics at ${monitor.server.url}/metrics, health at ${monitor.server.url}/healthz`);
      }
      await runAgent(agent, {
        ...(flags.ticks === undefined ? {} : { ticks: flags.ticks }),
        intervalMs: config.intervalSeconds * 1000,
        shouldStop: () => stopping,
        log,
        onTick: (result) => {
          summarise(result, log);
          monitor?.metrics.observeTick(result);
        },
        ...(monitor
          ? { onPoll: () => monitor!.metrics.observePoll(), onFailure: (e) => monitor!.metrics.observeFailure(e) }
          : {}),
      });
    } finally {
      await monitor?.server.close();
      await agent.close();
    }
  });

/** Where `run` serves metrics and health: the flags over the config's `metrics`; undefined when off. */
function metricsEndpoint(
  config: AgentConfig,
  flags: { metricsPort?: number; metricsHost?: string },
): { host: string; port: number; maxAgeSeconds: number } | undefined {
  const port = flags.metricsPort ?? config.metrics?.port;
  if (port === undefined) return undefined;
  return {
    host: flags.metricsHost ?? config.metrics?.host ?? "127.0.0.1",
    port,
    maxAgeSeconds:
      config.metrics?.maxAgeSeconds ?? healthMaxAgeSeconds(config.intervalSeconds, config.confirmTimeoutSeconds),
  };
}

program
  .command("health")
  .description(
    "ask a running `zkagent run` for its health (/healthz): exit 0 if healthy, 1 if not or if it does not answer (for supervisors)",
  )
  .addOption(configOption())
  .addOption(
    new Option("--url <url>", "the agent's health URL (default: from the config's metrics.host and metrics.port)"),
  )
  .option("--json", "the health report as one JSON document on stdout")
  .action(async (flags: { config?: string; url?: string; json?: boolean }) => {
    const url = flags.url ?? (await healthUrlOf(flags.config));
    const verdict = await askHealth(url);
    if (flags.json) writeJson(verdict.report ?? { healthy: false, error: verdict.line });
    else process.stdout.write(`${verdict.line}\n`);
    process.exitCode = verdict.healthy ? 0 : 1;
  });

/** /healthz of the agent a config describes (its metrics endpoint must be on). */
async function healthUrlOf(configFile: string | undefined): Promise<string> {
  const config = await loadConfig(configFile);
  if (config.metrics === undefined) {
    throw new ConfigError(
      'health: the config has no "metrics" (the endpoint is off): set "metrics": { "port": 9464 } and restart `zkagent run`, or pass --url',
    );
  }
  const host = config.metrics.host === "0.0.0.0" ? "127.0.0.1" : config.metrics.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.metrics.port}/healthz`;
}

/** The agent whose journal `status` reads: --agent, else the keystore's public address. The key is never loaded. */
async function statusAgent(flag: string | undefined, key: KeySource): Promise<string> {
  if (flag) return flag;
  if ("keystorePath" in key) return keystoreAddress(key.keystorePath);
  throw new ConfigError("status needs the agent's address: pass --agent <address> (status never loads the key)");
}

program
  .command("status")
  .description(
    "position, nonce, the last trades, and the journal and its lock (read-only: never loads the key, never writes)",
  )
  .addOption(configOption())
  .addOption(rpcUrlOption())
  .addOption(
    new Option(
      "--agent <address>",
      "the agent whose journal to read (default: the address in the config's keystore, read without its password)",
    ).argParser(addressArgument),
  )
  .option("--json", "the status as one JSON document on stdout")
  .action(async (flags: Omit<CommonFlags, "model"> & { agent?: string }) => {
    const log = createLogger(Boolean(flags.json));
    const config = await loadConfig(flags.config, { rpcUrl: flags.rpcUrl });
    const provider = rpcProvider(config.rpcUrl, config.chainId);
    await assertChainId(provider, BigInt(config.chainId)); // or it reads another chain's trader and journal
    await assertDecentralizedTrader(provider, config.traderAddress, "traderAddress", BigInt(config.chainId));
    const agent = await statusAgent(flags.agent, config.key);
    const state = await new TraderClient(config.traderAddress, new VoidSigner(agent, provider)).state();
    // Scheduled changes to the trader and the registry, and when each takes effect.
    const governance = await new GovernanceWatch(
      provider,
      config.traderAddress,
      { agent },
      config.governanceFromBlock,
    ).view();
    const path = journalPath(config.dataDir, BigInt(config.chainId), config.traderAddress, agent);
    // Read-only in SQLite itself: status can run beside the agent and never write or truncate its journal.
    const journal = JournalView.openReadOnly(path);
    let status: Record<string, unknown>;
    try {
      const summary = journal?.summary();
      const importedFrom = journal?.importedFrom();
      status = {
        agent,
        nonce: state.nonce,
        position: state.position,
        maxPosition: state.maxPosition,
        cycles: summary?.cycles ?? 0,
        refusedByPolicy: summary?.refusedByPolicy ?? 0,
        outages: summary?.outages ?? 0,
        reorgedTrades: summary?.reorgedTrades ?? 0,
        lastTrades: summary?.lastTrades ?? [],
        governance: governanceStatus(governance),
        ...(journal ? { governanceWaits: journal.governanceWaits() } : {}),
        // bond, claims and their deadlines (path "optimistic", or claims left from it)
        ...(await optimisticSection({
          path: config.path,
          provider,
          traderAddress: config.traderAddress,
          agent,
          ...(journal ? { journal } : {}),
        })),
        // the hub path: the last publications and how many vaults followed each
        ...(await hubSection({
          path: config.path,
          provider,
          ...(config.hub ? { hub: config.hub } : {}),
          ...(journal ? { journal } : {}),
        })),
        journal: summary
          ? {
              path,
              events: summary.events,
              openProofs: summary.openProofs,
              openSends: summary.openSends,
              executedTrades: summary.executedTrades,
              ...(journal?.pendingImport ? { pendingImport: journal.files.legacy } : {}),
              ...(importedFrom ? { importedFrom } : {}),
            }
          : { path, exists: false },
        ...(journal ? { lock: journal.lockInfo() } : {}),
      };
    } finally {
      journal?.close();
      provider.destroy();
    }
    if (flags.json) writeJson(status, 0);
    else log.info("status", status);
  });

program
  .command("audit")
  .description("re-verify every trade a DecentralizedTrader executed, from the chain alone (exit 1 if any check fails)")
  .addOption(
    new Option("--rpc-url <url>", "JSON-RPC endpoint of the chain to audit")
      .argParser(rpcUrlArgument)
      .makeOptionMandatory(),
  )
  .addOption(
    new Option("--trader <address>", "the DecentralizedTrader").argParser(addressArgument).makeOptionMandatory(),
  )
  .addOption(
    new Option(
      "--from-block <n>",
      "first block to scan (default: the trader's deployment block, from its deployments/ record or found by its code)",
    ).argParser(wholeNumberArgument(0)),
  )
  .addOption(new Option("--to-block <n>", "last block to scan (default: the latest)").argParser(wholeNumberArgument(0)))
  .addOption(
    new Option("--page-blocks <n>", "blocks per log request (halved when the node refuses a range)")
      .argParser(wholeNumberArgument(1))
      .default(10_000),
  )
  .addOption(
    new Option("--near-boundary-bps <n>", "flag signals this close to the band edge")
      .argParser(wholeNumberArgument(0, 10_000))
      .default(10),
  )
  .option(
    "--view-key <file>",
    "an auditor's view-key file (repeatable): decrypt the disclosed decision records and check each against the chain",
    (value: string, values: string[]) => [...values, pathArgument(value)],
    [] as string[],
  )
  .option(
    "--records <location>",
    "the record store: a directory or an http(s) URL (with --view-key)",
    (value: string) => (/^https?:\/\//.test(value) ? value : pathArgument(value)),
  )
  .option(
    "--agent <address>",
    "with --view-key: only this agent's records (repeatable)",
    (value: string, values: string[]) => [...values, addressArgument(value)],
    [] as string[],
  )
  .option(
    "--tx <hash>",
    "audit this one transaction's trade (its block only; no history analysis)",
    (value: string) => {
      if (!/^0x[0-9a-fA-F]{64}$/.test(value))
        throw new InvalidArgumentError("Expected a 0x-prefixed 32-byte transaction hash.");
      return value;
    },
  )
  .option(
    "--checkpoint <file>",
    "journal the node's answers here; run again with the same file and options to resume an interrupted audit",
    pathArgument,
  )
  .option(
    "--html <file>",
    "also write the audit as a self-contained HTML report (charts, findings on the timeline)",
    pathArgument,
  )
  .option("--json", "machine-readable report")
  .action(
    async (flags: {
      rpcUrl: string;
      trader: string;
      fromBlock?: number;
      toBlock?: number;
      pageBlocks: number;
      nearBoundaryBps: number;
      viewKey: string[];
      records?: string;
      agent: string[];
      tx?: string;
      checkpoint?: string;
      html?: string;
      json?: boolean;
    }) => {
      if (flags.viewKey.length > 0 && !flags.records) {
        throw new ConfigError("audit --view-key needs --records <directory or URL>: where the sealed records are");
      }
      if (flags.tx && (flags.fromBlock !== undefined || flags.toBlock !== undefined)) {
        throw new ConfigError("audit --tx reads the transaction's own block: leave out --from-block and --to-block");
      }
      const viewKeys: ViewKey[] = [];
      for (const file of flags.viewKey) viewKeys.push(...parseViewKeyFile(await readTextFile(file), file));
      const log = createLogger(Boolean(flags.json));
      const provider = await openNode(flags.rpcUrl);
      let outcome: AuditOutcome;
      try {
        const { chainId } = await provider.getNetwork();
        await assertDecentralizedTrader(provider, flags.trader, "--trader", chainId);
        outcome = await runAudit({
          request: requestsVia(provider),
          chainId,
          traderAddress: flags.trader,
          ...(flags.fromBlock === undefined ? {} : { fromBlock: flags.fromBlock }),
          ...(flags.toBlock === undefined ? {} : { toBlock: flags.toBlock }),
          pageBlocks: flags.pageBlocks,
          nearBoundaryBps: BigInt(flags.nearBoundaryBps),
          ...(flags.tx ? { txHash: flags.tx } : {}),
          ...(flags.checkpoint ? { checkpointPath: flags.checkpoint } : {}),
          ...(await compiledVerifierCode()),
          ...(viewKeys.length > 0 ? { viewKeys, store: recordStoreAt(flags.records!), agents: flags.agent } : {}),
          progress: stderrProgress({ terminal: Boolean(process.stderr.isTTY) && !flags.json, log }),
          note: (line) => log.info(line),
        });
      } finally {
        provider.destroy();
        await terminateSnarkjs();
      }
      if (outcome.historySkipped) log.warn(`history analysis skipped: ${outcome.historySkipped}`);
      if (flags.html) {
        await writeFile(flags.html, renderAuditHtml(outcome));
        log.info(`audit report written to ${flags.html}`);
      }
      if (flags.json) {
        writeJson(auditJson(outcome));
      } else {
        process.stdout.write(renderAudit(outcome.report));
        if (outcome.records) process.stdout.write(renderRecordAudit(outcome.records));
        process.stdout.write(renderHistoryFindings(outcome.history));
      }
      process.exitCode = auditExitCode(outcome);
    },
  );

const auditorKey = program
  .command("auditor-key")
  .description("auditors' view keys: the agent seals each decision record to their public halves");
auditorKey
  .command("new")
  .description("make an auditor key pair: the view-key file for the auditor, the recipient for the agent's config")
  .requiredOption("--id <id>", "the key's id, e.g. acme-2026q4 (a new id for each rotation)")
  .requiredOption("--out <file>", "the view-key file to write (mode 0600, never overwritten)")
  .option("--post-quantum", "an ML-KEM-768 + X25519 hybrid key (for records that must stay secret for decades)")
  .action(async (flags: { id: string; out: string; postQuantum?: boolean }) => {
    let key;
    try {
      key = await newAuditorKey(flags.id, { postQuantum: Boolean(flags.postQuantum) });
    } catch {
      throw new ConfigError(`auditor-key new: --id ${flags.id}: must be 1-64 letters, digits, '.', '_' or '-'`);
    }
    try {
      await writeFile(flags.out, key.file, { mode: 0o600, flag: "wx" });
    } catch (error) {
      throw new ConfigError(
        `cannot write ${flags.out}: ${(error as Error).message} (an existing file is never overwritten)`,
      );
    }
    process.stdout.write(
      `${flags.out}  (the auditor's view key: give it to the auditor only)\n` +
        `add to the agent's config, disclosure.auditors:\n${JSON.stringify({ id: key.id, recipient: key.recipient })}\n`,
    );
  });
auditorKey
  .command("recipient <file>")
  .description("print the id and public recipient of each key in a view-key file")
  .action(async (file: string) => {
    for (const key of parseViewKeyFile(await readTextFile(file), file)) {
      process.stdout.write(
        `${JSON.stringify({ id: key.id ?? "(no id)", recipient: await identityToRecipient(key.identity) })}\n`,
      );
    }
  });

const key = program.command("key").description("the agent's key, kept in an encrypted keystore");
const passwordEnvOption = () =>
  new Option("--password-env <name>", "the environment variable holding the keystore's password").default(
    "ZKAGENT_KEYSTORE_PASSWORD",
  );
key
  .command("new")
  .description("create a new agent key in an encrypted keystore (the password comes from the environment)")
  .requiredOption("--out <file>", "the keystore to write (never overwritten)")
  .addOption(passwordEnvOption())
  .action(async (flags: { out: string; passwordEnv: string }) => {
    const wallet = new Wallet(Wallet.createRandom().privateKey);
    await writeKeystore(wallet, flags.out, flags.passwordEnv);
    process.stdout.write(`${flags.out}\naddress ${wallet.address}\n`);
  });
key
  .command("import")
  .description("encrypt an existing private key read from standard input (never from the command line)")
  .requiredOption("--out <file>", "the keystore to write (never overwritten)")
  .addOption(passwordEnvOption())
  .action(async (flags: { out: string; passwordEnv: string }) => {
    const secret = (await text(process.stdin)).trim();
    let wallet: Wallet;
    try {
      wallet = new Wallet(secret);
    } catch {
      throw new ConfigError("key import: standard input is not a private key (expected 0x + 64 hex digits)");
    }
    await writeKeystore(wallet, flags.out, flags.passwordEnv);
    process.stdout.write(`${flags.out}\naddress ${wallet.address}\n`);
  });
key
  .command("address <keystore>")
  .description("print the address a keystore holds (read from its public part: no password)")
  .action(async (file: string) => {
    process.stdout.write(`${await keystoreAddress(file)}\n`);
  });

const model = program.command("model").description("the model file an agent runs");
model
  .command("create-tiny")
  .description("write the bundled tiny stand-in model (seeded weights; deterministic bytes)")
  .option("--out <file>", "where to write it", "tiny-model.gguf")
  .addOption(
    new Option("--seed <n>", "weight seed").argParser(wholeNumberArgument(0, 2 ** 32 - 1)).default(TINY_MODEL_SEED),
  )
  .action(async (flags: { out: string; seed: number }) => {
    writeTinyModel(flags.out, flags.seed);
    process.stdout.write(
      `${flags.out}\nmodelHash 0x${(await modelHashOf(flags.out)).toString(16).padStart(62, "0")}\n`,
    );
  });
model
  .command("hash <file>")
  .description("print a model's modelHash = uint256(sha256(file)) >> 8, as registered on-chain")
  .action(async (file: string) => {
    process.stdout.write(`0x${(await modelHashOf(file)).toString(16).padStart(62, "0")}\n`);
  });
model
  .command("train")
  .description("train the proven decision model (same config, same bytes) and write it with its held-out report")
  .option("--out <file>", "the model file to write; the report goes beside it (.report.json)", "decision-model.json")
  .option("--config <file>", "a training config, or a model file to retrain (default: the shipped model's config)")
  .action(async (flags: { out: string; config?: string }) => {
    const config = flags.config ? await loadTrainingConfig(flags.config) : DEFAULT_TRAINING_CONFIG;
    const trained = trainProvenModel(config);
    const { modelPath, reportPath } = await writeProvenModel(trained, flags.out);
    const seconds = Object.values(trained.timingsMs).reduce((a, b) => a + b, 0) / 1000;
    process.stdout.write(
      `${modelPath}\n${reportPath}\ncommitment ${trained.file.commitment.decimal}\n` +
        `           ${trained.file.commitment.hex}\ntrained in ${seconds.toFixed(1)} s\n${renderSummary(trained.file.report)}`,
    );
  });
model
  .command("commit <file>")
  .description("print a proven model's commitment, as the governor registers it (ModelRegistry.registerProven)")
  .action(async (file: string) => {
    const { commitment } = await loadProvenModelFile(file);
    process.stdout.write(`decimal ${commitment}\nhex 0x${commitment.toString(16).padStart(64, "0")}\n`);
  });
model
  .command("inspect <file>")
  .description("a proven model's architecture, features, weight statistics, commitment and report summary")
  .action(async (file: string) => {
    process.stdout.write(renderInspection(await loadProvenModelFile(file)));
  });

registerWatchCommand(program);
registerAuditHubCommand(program);
registerBondCommand(program);
registerBacktestCommand(program);
registerFederatedCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // An operator's mistake (a config, a file, an address, a node) is one line saying what is wrong
  // and what to do, exit 2; with --json, that line is a JSON object (on stderr: stdout holds only
  // a command's report). Anything else is a bug and keeps its stack trace.
  const known = operatorError(error);
  if (!known) throw error;
  process.stderr.write(
    process.argv.includes("--json")
      ? `${JSON.stringify({ level: "error", error: known.name, message: known.message })}\n`
      : `${known.name}: ${known.message}\n`,
  );
  process.exit(2);
}
