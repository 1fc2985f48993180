import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";

import { ConfigError } from "../errors.ts";
import type { ViewKey } from "../disclosure/auditor-keys.ts";
import type { RecordStore } from "../disclosure/record-store.ts";
import { AuditCheckpoint } from "./audit-checkpoint.ts";
import { timelineFindings } from "./audit-findings.ts";
import { AuditNode, type NodeAnswerCounts, type NodeRequest } from "./audit-node.ts";
import type { ProgressSink } from "./audit-progress.ts";
import { auditRecords, type RecordAudit } from "./audit-records.ts";
import { auditTrades, type AuditReport } from "./audit-trades.ts";
import { deploymentBlock, type DeploymentBlock } from "./deployment-block.ts";
import { historyOfChain } from "./history-of-chain.ts";
import { analyseHistory } from "./intelligence/analyse-history.ts";
import type { HistoryFinding } from "./intelligence/history.ts";
import type { LogPaging } from "./paged-logs.ts";

export interface RunAuditOptions {
  /** The node, one JSON-RPC request at a time (see audit-node.ts for a URL or an EIP-1193 provider). */
  request: NodeRequest;
  chainId: bigint;
  traderAddress: string;
  /** The range (default: from the trader's deployment block to the latest block when the audit starts). */
  fromBlock?: number;
  toBlock?: number;
  /** Blocks per eth_getLogs request at first, halved when the node refuses a range (default 10 000). */
  pageBlocks?: number;
  nearBoundaryBps?: bigint;
  /** Audit this one transaction's trade(s) only. */
  txHash?: string;
  /** A file the node's answers are journaled to; an audit started again with it resumes. */
  checkpointPath?: string;
  /** The compiled PolicyVerifier's runtime code, to compare with the deployed verifier's. */
  expectedVerifierCode?: string;
  /** With view keys and a store, the disclosed decision records are opened and checked too. */
  viewKeys?: readonly ViewKey[];
  store?: RecordStore;
  agents?: readonly string[];
  /** Where deployment records are looked up (default: the repository's deployments/). */
  deploymentsDir?: string;
  progress?: ProgressSink;
  /** One line for an operator: the range and where it came from, a resumed checkpoint. */
  note?: (line: string) => void;
}

/** Everything an audit found, as the CLI prints it, writes it as JSON and draws it as HTML. */
export interface AuditOutcome {
  report: AuditReport;
  records?: RecordAudit;
  history: HistoryFinding[];
  /** Why the range starts where it does. */
  start: DeploymentBlock | { block: number; source: "--from-block" | "--tx"; detail: string };
  /** How many answers the node gave, and how many repeated requests were answered from the audit's own record. */
  answers: NodeAnswerCounts;
  /** Answers an earlier run had left in the checkpoint (0 for a fresh audit). */
  resumed: number;
  /** The history analysis could not run (a node without old state): why. */
  historySkipped?: string;
}

/**
 * The whole audit of one trader over a block range, as `zkagent audit` runs it: every trade
 * re-verified (auditTrades), the disclosed records opened (auditRecords, with view keys), and
 * the history analysed for a human to look at. Log reads go in pages the node will serve;
 * every answer the node gives goes to the checkpoint, if one is given, so a crashed or
 * interrupted audit started again with it continues where it stopped and reports the same.
 */
export async function runAudit(options: RunAuditOptions): Promise<AuditOutcome> {
  const { chainId, traderAddress, note = () => {} } = options;
  const checkpoint = options.checkpointPath
    ? AuditCheckpoint.open(options.checkpointPath, {
        chainId: chainId.toString(),
        trader: traderAddress.toLowerCase(),
        fromBlock: options.fromBlock ?? null,
        toBlock: options.toBlock ?? null,
        tx: options.txHash?.toLowerCase() ?? null,
      })
    : undefined;
  if (checkpoint && checkpoint.resumedAnswers > 0) {
    note(`resuming the audit in ${checkpoint.path}: ${checkpoint.resumedAnswers} answers of the node already there`);
  }
  const node = new AuditNode(options.request, chainId, checkpoint);
  try {
    return { ...(await auditThrough(node, options, note)), resumed: checkpoint?.resumedAnswers ?? 0 };
  } finally {
    node.destroy();
    checkpoint?.close();
  }
}

async function auditThrough(
  node: AuditNode,
  options: RunAuditOptions,
  note: (line: string) => void,
): Promise<Omit<AuditOutcome, "resumed">> {
  const { chainId, traderAddress, progress } = options;
  const trader = DecentralizedTrader__factory.connect(traderAddress, node);
  const latest = options.toBlock ?? (await node.getBlockNumber());
  let fromBlock: number;
  let toBlock = latest;
  let start: AuditOutcome["start"];
  if (options.txHash) {
    const receipt = await node.getTransactionReceipt(options.txHash);
    if (!receipt) throw new ConfigError(`--tx ${options.txHash}: no such transaction on chain ${chainId}`);
    [fromBlock, toBlock] = [receipt.blockNumber, receipt.blockNumber];
    start = { block: fromBlock, source: "--tx", detail: `the transaction's block` };
  } else if (options.fromBlock !== undefined) {
    fromBlock = options.fromBlock;
    start = { block: fromBlock, source: "--from-block", detail: "as given" };
  } else {
    start = await deploymentBlock(node, traderAddress, latest, {
      chainId,
      ...(options.deploymentsDir ? { recordsDir: options.deploymentsDir } : {}),
    });
    fromBlock = start.block;
  }
  if (fromBlock > toBlock) {
    throw new ConfigError(`the range is empty: from block ${fromBlock} to block ${toBlock}`);
  }
  const registryStart = await deploymentBlock(node, await trader.modelRegistry(), toBlock, {
    chainId,
    ...(options.deploymentsDir ? { recordsDir: options.deploymentsDir } : {}),
  });
  note(
    `audit of ${traderAddress} on chain ${chainId}, blocks ${fromBlock}..${toBlock} (from: ${start.source}, ${start.detail})`,
  );

  const paging: LogPaging = {
    toBlock,
    pageBlocks: options.pageBlocks ?? 10_000,
    ...(progress
      ? {
          onProgress: ({ what, fromBlock: first, toBlock: last, doneThrough }) =>
            progress({ what: `${what} logs`, done: doneThrough - first + 1, total: last - first + 1, unit: "blocks" }),
        }
      : {}),
  };
  const report = await auditTrades({
    provider: node,
    traderAddress,
    fromBlock,
    registryFromBlock: registryStart.block,
    ...(options.nearBoundaryBps === undefined ? {} : { nearBoundaryBps: options.nearBoundaryBps }),
    ...(options.expectedVerifierCode ? { expectedVerifierCode: options.expectedVerifierCode } : {}),
    ...(options.txHash ? { txHash: options.txHash } : {}),
    ...(progress
      ? { onTrade: (done, total) => progress({ what: "trades checked", done, total, unit: "trades" }) }
      : {}),
    paging,
  });
  if (options.txHash && report.trades.length === 0) {
    throw new ConfigError(`--tx ${options.txHash}: the transaction executed no trade on ${traderAddress}`);
  }

  let records: RecordAudit | undefined;
  if (options.viewKeys && options.viewKeys.length > 0 && options.store) {
    records = await auditRecords({
      provider: node,
      traderAddress,
      store: options.store,
      viewKeys: options.viewKeys,
      // One transaction's audit opens the records its block committed, not the whole store.
      uncommitted: !options.txHash,
      paging,
      fromBlock,
      ...(options.agents && options.agents.length > 0 ? { agents: options.agents } : {}),
    });
  }
  // For a human to look at: patterns over the vault's history (they never fail the audit, and a
  // node that cannot answer them, e.g. for old state, leaves the verdict above standing). One
  // transaction has no history to speak of.
  let history: HistoryFinding[] = [];
  let historySkipped: string | undefined;
  if (!options.txHash) {
    try {
      history = analyseHistory(
        await historyOfChain({
          provider: node,
          traderAddress,
          report,
          paging,
          fromBlock,
          ...(records ? { records } : {}),
        }),
      );
    } catch (error) {
      historySkipped = (error as Error).message;
    }
  }
  return {
    report,
    ...(records ? { records } : {}),
    history,
    start,
    answers: { ...node.counts },
    ...(historySkipped ? { historySkipped } : {}),
  };
}

/** The audit as one JSON document (`zkagent audit --json`): the report, the disclosure audit and the history. */
export function auditJson(outcome: AuditOutcome): Record<string, unknown> {
  const { report, records, history } = outcome;
  return {
    ...report,
    start: outcome.start,
    ...(records ? { disclosure: { ...records, opened: records.opened.length } } : {}),
    history,
    ...(outcome.historySkipped ? { historySkipped: outcome.historySkipped } : {}),
    // The three kinds above and the failing trades in one list, as the HTML report counts and plots them.
    findings: timelineFindings(outcome),
  };
}

/** The exit code: 1 if a trade failed a check or a disclosed record is missing or unfaithful, else 0. */
export function auditExitCode(outcome: AuditOutcome): number {
  const recordProblems = outcome.records?.findings.filter((f) => f.severity !== "info").length ?? 0;
  return outcome.report.failures > 0 || recordProblems > 0 ? 1 : 0;
}
