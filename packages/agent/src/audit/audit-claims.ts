import { verifyPolicyProof, type Groth16Proof } from "@zkagent/circuits";
import { OptimisticLane__factory, type OptimisticLane } from "@zkagent/contracts/typechain";
import { ZeroAddress, type Provider } from "ethers";

import { pagedQuery, type LogPaging } from "./paged-logs.ts";

/**
 * Where an optimistic trade's claim stands, as the auditor reports it:
 * - "pending": open, its challenge window not over (or over and nobody finalised it yet);
 * - "challenged": challenged, the agent's proof not posted yet;
 * - "settled by proof": its proof was posted (an answer or early settlement), and is re-verified here;
 * - "finalised unproven": nobody challenged it in the window: trusted economically, never proven;
 * - "slashed": challenged and not proven in time: the agent lost its bond.
 */
export type ClaimVerdict = "pending" | "challenged" | "settled by proof" | "finalised unproven" | "slashed";

export interface AuditedClaim {
  claimId: string;
  lane: string;
  verdict: ClaimVerdict;
  worstLoss: bigint;
  challengeDeadline: bigint;
  challenger?: string;
  /** The lane transaction that posted the proof, slashed or finalised the claim. */
  settledBy?: string;
  /** The posted proof, re-verified off-chain against the committed key (settled by proof only). */
  proofVerifies?: boolean;
}

export type ClaimFindingKind =
  "claim-finalised-unproven" | "claim-slashed" | "claim-proof-invalid" | "claim-missing" | "claim-pending";

export interface ClaimFinding {
  kind: ClaimFindingKind;
  /** "low": trusted economically, not proven; "high": a claim proven false or an unreadable one. */
  severity: "high" | "low" | "info";
  agent: string;
  nonce: bigint;
  txHash: string;
  detail: string;
}

/** What the claim audit needs of one trade executed via executeOptimistic. */
export interface OptimisticTrade {
  txHash: string;
  blockNumber: number;
  agent: string;
  nonce: bigint;
  signals: bigint[];
  modelKind: "attested" | "proven";
}

type ProofArgument = { a: bigint[]; b: bigint[][]; c: bigint[] };

/**
 * Audits the claims of optimistic trades from the chain alone: the ClaimOpened log in the trade's
 * own receipt (its lane, fields and signals), the lane's state now, and, for a claim settled by
 * proof, the proof in the calldata of the lane transaction that settled it (prove or proveMany),
 * re-verified against the committed verification key. Returns each trade's claim and the findings.
 */
export async function auditClaims(options: {
  provider: Provider;
  trades: readonly OptimisticTrade[];
  vkey: unknown;
  modelVkey: unknown;
  toSnarkjsProof: (a: bigint[], b: bigint[][], c: bigint[]) => Groth16Proof;
  toBlock: number;
  paging?: LogPaging;
}): Promise<{ claims: Map<string, AuditedClaim>; findings: ClaimFinding[] }> {
  const { provider } = options;
  const claims = new Map<string, AuditedClaim>();
  const findings: ClaimFinding[] = [];
  const laneInterface = OptimisticLane__factory.createInterface();
  for (const trade of options.trades) {
    const finding = (kind: ClaimFindingKind, severity: ClaimFinding["severity"], detail: string) =>
      findings.push({ kind, severity, agent: trade.agent, nonce: trade.nonce, txHash: trade.txHash, detail });
    const receipt = await provider.getTransactionReceipt(trade.txHash);
    const openedLog = receipt?.logs
      .map((log) => ({ log, parsed: safeParse(laneInterface, log) }))
      .find((entry) => entry.parsed?.name === "ClaimOpened");
    if (!openedLog?.parsed) {
      finding("claim-missing", "high", "an executeOptimistic trade with no ClaimOpened in its receipt");
      continue;
    }
    const claimId = openedLog.parsed.args.claimId as string;
    const fields = openedLog.parsed.args.claim as OptimisticLane.ClaimStructOutput;
    const lane = OptimisticLane__factory.connect(openedLog.log.address, provider);
    const [state, challenger] = await lane.claimState(claimId, { blockTag: options.toBlock });
    const audited: AuditedClaim = {
      claimId,
      lane: openedLog.log.address,
      verdict: "pending",
      worstLoss: fields.worstLoss,
      challengeDeadline: fields.challengeDeadline,
      ...(challenger !== ZeroAddress ? { challenger } : {}),
    };
    claims.set(trade.txHash, audited);
    const logsOf = <T>(what: string, query: (from: number, to: number) => Promise<T[]>) =>
      pagedQuery(what, query, trade.blockNumber, options.toBlock, options.paging);

    if (state === 1n || state === 2n) {
      audited.verdict = state === 1n ? "pending" : "challenged";
      finding(
        "claim-pending",
        "info",
        `${audited.verdict}: not proven yet; challenges close at ${fields.challengeDeadline}`,
      );
    } else if (state === 4n) {
      audited.verdict = "slashed";
      const [slash] = await logsOf("AgentSlashed", (from, to) =>
        lane.queryFilter(lane.filters.AgentSlashed(claimId), from, to),
      );
      if (slash) audited.settledBy = slash.transactionHash;
      finding(
        "claim-slashed",
        "high",
        `challenged by ${challenger} and not proven within the response window: the agent was slashed (the vault got ${slash?.args.toVault ?? "?"})`,
      );
    } else if (state === 3n) {
      const [proven] = await logsOf("ClaimProven", (from, to) =>
        lane.queryFilter(lane.filters.ClaimProven(claimId), from, to),
      );
      if (!proven) {
        audited.verdict = "finalised unproven";
        const [finalized] = await logsOf("ClaimFinalized", (from, to) =>
          lane.queryFilter(lane.filters.ClaimFinalized(claimId), from, to),
        );
        if (finalized) audited.settledBy = finalized.transactionHash;
        finding(
          "claim-finalised-unproven",
          "low",
          "nobody challenged it within the window: trusted economically (the bond covered its worst loss), never proven",
        );
      } else {
        audited.verdict = "settled by proof";
        audited.settledBy = proven.transactionHash;
        audited.proofVerifies = await postedProofVerifies(
          provider,
          laneInterface,
          proven.transactionHash,
          trade,
          options,
        );
        if (!audited.proofVerifies) {
          finding(
            "claim-proof-invalid",
            "high",
            `the proof posted in ${proven.transactionHash} does not verify off-chain for this trade's signals`,
          );
        }
      }
    }
  }
  return { claims, findings };
}

function safeParse(
  iface: ReturnType<typeof OptimisticLane__factory.createInterface>,
  log: { topics: readonly string[]; data: string },
) {
  try {
    return iface.parseLog(log);
  } catch {
    return null;
  }
}

/** Finds this trade's proof in a prove / proveMany call and verifies it against the trade's own signals. */
async function postedProofVerifies(
  provider: Provider,
  laneInterface: ReturnType<typeof OptimisticLane__factory.createInterface>,
  txHash: string,
  trade: OptimisticTrade,
  options: {
    vkey: unknown;
    modelVkey: unknown;
    toSnarkjsProof: (a: bigint[], b: bigint[][], c: bigint[]) => Groth16Proof;
  },
): Promise<boolean> {
  const tx = await provider.getTransaction(txHash);
  const call = tx ? laneInterface.parseTransaction({ data: tx.data }) : null;
  if (!call) return false; // posted through another contract: not readable from calldata
  const posted: { claim: OptimisticLane.ClaimStructOutput; proof: ProofArgument; signals: bigint[] }[] =
    call.name === "prove"
      ? [{ claim: call.args[0], proof: call.args[1], signals: [...call.args[2]].map(BigInt) }]
      : call.name === "proveMany"
        ? [...call.args[0]].map((claim, i) => ({
            claim,
            proof: call.args[1][i],
            signals: [...call.args[2][i]].map(BigInt),
          }))
        : [];
  const mine = posted.find(
    (p) => p.claim.agent.toLowerCase() === trade.agent.toLowerCase() && BigInt(p.claim.nonce) === trade.nonce,
  );
  if (!mine) return false;
  if (mine.signals.length !== trade.signals.length || mine.signals.some((s, i) => s !== trade.signals[i])) return false;
  const proof = options.toSnarkjsProof(
    [...mine.proof.a],
    [...mine.proof.b].map((pair) => [...pair]),
    [...mine.proof.c],
  );
  return verifyPolicyProof(trade.modelKind === "proven" ? options.modelVkey : options.vkey, proof, mine.signals);
}
