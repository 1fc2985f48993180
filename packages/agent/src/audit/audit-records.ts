import { unpackPublicValues } from "@zkagent/circuits";
import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";
import type { Provider } from "ethers";

import type { ViewKey } from "../disclosure/auditor-keys.ts";
import { MalformedRecordError, type DecisionRecord } from "../disclosure/decision-record.ts";
import { RecordStoreError, type RecordStore } from "../disclosure/record-store.ts";
import {
  CorruptEnvelopeError,
  NotForTheseKeysError,
  openRecord,
  recordHashOf,
  type RecordHash,
} from "../disclosure/seal-record.ts";
import { chainlinkFeed } from "../market/feed-abi.ts";
import { pagedQuery, type LogPaging } from "./paged-logs.ts";
import type { Round } from "../market/read-window.ts";
import {
  feedRoundMismatches,
  recordMismatches,
  SEVERITY,
  type CommittedTrade,
  type RecordFinding,
  type RecordFindingKind,
} from "./record-findings.ts";

export interface RecordAuditOptions {
  provider: Provider;
  traderAddress: string;
  store: RecordStore;
  viewKeys: readonly ViewKey[];
  fromBlock?: number;
  /** Only these agents' trades (default: every agent's). */
  agents?: readonly string[];
  /** Also open the store's records that no trade committed (refusals, proofs never executed). */
  uncommitted?: boolean;
  /** The last block and the page size of log reads, and progress. */
  paging?: LogPaging;
}

/** One decrypted record and what committed it (if anything). */
export interface OpenedRecord {
  recordHash: RecordHash;
  txHash?: string;
  record: DecisionRecord;
}

export interface RecordAudit {
  /** Trades that committed a record, and trades that did not. */
  committed: number;
  notCommitted: number;
  /** Records decrypted with the view keys (committed or not). */
  opened: OpenedRecord[];
  findings: RecordFinding[];
  timingsMs: { total: number };
}

/** A trade's calldata, whichever entry point carried it. */
interface TradeCall {
  proof: { a: bigint[]; b: bigint[][]; c: bigint[] };
  publicSignals: bigint[];
}

/**
 * Checks the decision records an agent disclosed against the chain: for every trade that
 * committed one, fetch it from the (untrusted) store by its hash, check the bytes hash to the
 * commitment, decrypt it with the view keys, and check what it says against the transaction's
 * proof and public values and against the feed's rounds. Every problem is a finding.
 */
export async function auditRecords(options: RecordAuditOptions): Promise<RecordAudit> {
  const started = performance.now();
  const { provider, traderAddress, store, viewKeys } = options;
  const trader = DecentralizedTrader__factory.connect(traderAddress, provider);
  const { chainId } = await provider.getNetwork();
  const fromBlock = options.fromBlock ?? 0;
  const wanted = options.agents?.map((a) => a.toLowerCase());
  const agentWanted = (agent: string) => !wanted || wanted.includes(agent.toLowerCase());
  const feed = chainlinkFeed(await trader.priceFeed(), provider);
  const findings: RecordFinding[] = [];
  const opened: OpenedRecord[] = [];
  const find = (kind: RecordFindingKind, detail: string, where: Omit<RecordFinding, "kind" | "severity" | "detail">) =>
    findings.push({ kind, severity: SEVERITY[kind], detail, ...where });

  // Overlapping windows share rounds: each round is read from the feed once.
  const rounds = new Map<bigint, Round | undefined>();
  const feedRounds = async (record: DecisionRecord) => {
    for (const r of record.window.rounds) {
      const id = BigInt(r.roundId);
      if (rounds.has(id)) continue;
      try {
        const [, answer, , updatedAt] = await feed.getRoundData(id);
        rounds.set(id, updatedAt === 0n ? undefined : { roundId: id, answer, updatedAt });
      } catch (error) {
        if ((error as { code?: string }).code !== "CALL_EXCEPTION") throw error;
        rounds.set(id, undefined); // a round the feed does not have
      }
    }
    return rounds;
  };

  /** Fetches, hash-checks and decrypts; a finding and undefined if any step fails. */
  const open = async (
    recordHash: RecordHash,
    where: Omit<RecordFinding, "kind" | "severity" | "detail">,
    { uncommitted = false } = {},
  ) => {
    let envelope: Uint8Array | undefined;
    try {
      envelope = await store.get(recordHash);
    } catch (error) {
      if (!(error instanceof RecordStoreError)) throw error;
      find("record-missing", `the store could not return ${recordHash}: ${error.message}`, where);
      return undefined;
    }
    if (!envelope) {
      find("record-missing", `no record at ${recordHash} in ${store.location}`, where);
      return undefined;
    }
    const actual = recordHashOf(envelope);
    if (actual !== recordHash.toLowerCase()) {
      find("record-tampered", `the stored bytes hash to ${actual}, not to the committed ${recordHash}`, where);
      return undefined;
    }
    try {
      return await openRecord(envelope, viewKeys);
    } catch (error) {
      // A record no trade committed and no view key opens may be another vault's, in a shared store.
      if (error instanceof NotForTheseKeysError) {
        if (!uncommitted) find("record-unreadable", error.message, where);
      } else if (error instanceof CorruptEnvelopeError || error instanceof MalformedRecordError)
        find("record-corrupt", error.message, where);
      else throw error;
      return undefined;
    }
  };

  const toBlock = options.paging?.toBlock ?? (await provider.getBlockNumber());
  const commitments = await pagedQuery(
    "DecisionRecordCommitted",
    (from, to) => trader.queryFilter(trader.filters.DecisionRecordCommitted(), from, to),
    fromBlock,
    toBlock,
    options.paging,
  );
  const trades = await pagedQuery(
    "TradeExecuted",
    (from, to) => trader.queryFilter(trader.filters.TradeExecuted(), from, to),
    fromBlock,
    toBlock,
    options.paging,
  );
  const committedHashes = new Set<string>();
  let committed = 0;
  let notCommitted = 0;
  for (const trade of trades) {
    const { agent, nonce, modelKind } = trade.args;
    if (!agentWanted(agent)) continue;
    const where = { txHash: trade.transactionHash, agent, nonce };
    const commitment = commitments.find(
      (c) => c.transactionHash === trade.transactionHash && c.args.agent === agent && c.args.nonce === nonce,
    );
    if (!commitment) {
      notCommitted++;
      find("record-not-committed", `trade ${nonce} of ${agent} committed no decision record`, where);
      continue;
    }
    committed++;
    const recordHash = commitment.args.recordHash.toLowerCase() as RecordHash;
    committedHashes.add(recordHash);
    const record = await open(recordHash, { ...where, recordHash });
    if (!record) continue;
    opened.push({ recordHash, txHash: trade.transactionHash, record });

    const tx = await provider.getTransaction(trade.transactionHash);
    const call = tx ? trader.interface.parseTransaction({ data: tx.data }) : null;
    if (!call || call.name !== "executeTradeWithRecord") {
      find("record-proof-mismatch", "the transaction is not a direct executeTradeWithRecord call", {
        ...where,
        recordHash,
      });
      continue;
    }
    const [proofArg, signalsArg] = call.args as unknown as [TradeCall["proof"], bigint[]];
    const publicSignals = [...signalsArg].map(BigInt);
    const committedTrade: CommittedTrade = {
      chainId,
      trader: traderAddress,
      agent,
      nonce,
      modelKind,
      publicSignals,
      values: unpackPublicValues(publicSignals),
      proof: {
        a: [proofArg.a[0]!, proofArg.a[1]!],
        b: [
          [proofArg.b[0]![0]!, proofArg.b[0]![1]!],
          [proofArg.b[1]![0]!, proofArg.b[1]![1]!],
        ],
        c: [proofArg.c[0]!, proofArg.c[1]!],
      },
    };
    for (const [kind, detail] of [
      ...recordMismatches(record, committedTrade),
      ...feedRoundMismatches(record, await feedRounds(record)),
    ]) {
      find(kind, detail, { ...where, recordHash });
    }
  }

  if (options.uncommitted) {
    for (const recordHash of await store.list()) {
      if (committedHashes.has(recordHash)) continue;
      const record = await open(recordHash, { recordHash }, { uncommitted: true });
      // A store may hold other vaults' records: only this chain's and this trader's are this audit's.
      const ours =
        record && BigInt(record.chainId) === chainId && record.trader.toLowerCase() === traderAddress.toLowerCase();
      if (!record || !ours || !agentWanted(record.agent)) continue;
      opened.push({ recordHash, record });
      find(
        "record-uncommitted",
        `a ${record.kind} record (${record.decision.action} ${record.decision.size}, ${record.decision.verdict}) for nonce ${record.traderNonce} that no trade committed`,
        { recordHash, agent: record.agent, nonce: BigInt(record.traderNonce) },
      );
      for (const [kind, detail] of feedRoundMismatches(record, await feedRounds(record))) {
        find(kind, detail, { recordHash, agent: record.agent });
      }
    }
  }
  return { committed, notCommitted, opened, findings, timingsMs: { total: performance.now() - started } };
}
