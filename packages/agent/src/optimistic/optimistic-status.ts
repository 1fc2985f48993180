import type { Provider } from "ethers";

import type { JournalView } from "../journal/journal.ts";
import { LaneClient, type BondAccount } from "./lane-client.ts";
import { formatUnitsShort } from "./worst-loss.ts";

/** An open claim as `status` shows it: the journal's record checked against the lane's state. */
export interface OpenClaimStatus {
  nonce: string;
  claimId: string;
  /** The lane's state now ("open", "challenged", …), which may be ahead of the journal's. */
  state: string;
  journalState: string;
  worstLoss: string;
  /** When challenges close (ISO time); after it the claim can be finalised. */
  challengeDeadline: string;
  /** When a challenge must be answered by (ISO time), if challenged. */
  responseDeadline?: string;
}

export interface OptimisticStatus {
  lane: string | null;
  bondToken?: string;
  bond?: Record<keyof BondAccount, string | number | boolean>;
  /** What a new claim must find free: its worst loss plus this reserve. */
  slashReserve?: string;
  maxPendingClaims?: number;
  claims: { counts: Record<string, number>; open: OpenClaimStatus[] };
  bondHolds: number;
  lastBondHold?: string;
}

const iso = (seconds: bigint | number) => new Date(Number(seconds) * 1000).toISOString();

/**
 * The optimistic path for one agent and vault, read-only: the bond (total, locked by unsettled
 * claims, pending claims, withdrawable), the journal's claims checked against the lane, and the
 * ticks held for want of bond. For `zkagent bond status` and `zkagent status`.
 */
export async function optimisticStatus(options: {
  provider: Provider;
  traderAddress: string;
  agent: string;
  journal?: JournalView;
}): Promise<OptimisticStatus> {
  const { journal } = options;
  const lane = await LaneClient.of(options.traderAddress, options.agent, { provider: options.provider });
  const counts = journal?.claimCounts() ?? { open: 0, challenged: 0, proven: 0, finalized: 0, slashed: 0 };
  const lastHold = journal?.last("bond-hold");
  const base = {
    claims: { counts, open: [] as OpenClaimStatus[] },
    bondHolds: journal?.bondHolds() ?? 0,
    ...(lastHold && lastHold.kind === "bond-hold" ? { lastBondHold: `${lastHold.at}: ${lastHold.reason}` } : {}),
  };
  if (!lane) return { lane: null, ...base };
  const [params, bond] = await Promise.all([lane.parameters(), lane.bond()]);
  const unit = (amount: bigint) => formatUnitsShort(amount, params.decimals, params.symbol);
  for (const claim of journal?.claims() ?? []) {
    const onChain = await lane.claimState(claim.claimId);
    base.claims.open.push({
      nonce: claim.traderNonce,
      claimId: claim.claimId,
      state: onChain.state,
      journalState: claim.state,
      worstLoss: unit(BigInt(claim.claim.worstLoss)),
      challengeDeadline: iso(BigInt(claim.claim.challengeDeadline)),
      ...(onChain.state === "challenged" ? { responseDeadline: iso(onChain.responseDeadline) } : {}),
    });
  }
  return {
    lane: lane.address,
    bondToken: params.bondToken,
    bond: {
      total: unit(bond.total),
      locked: unit(bond.locked),
      pending: bond.pending,
      withdrawable: unit(bond.withdrawable),
      slashed: bond.slashed,
    },
    slashReserve: unit(params.slashReward),
    maxPendingClaims: params.maxPendingClaims,
    ...base,
  };
}

/** `zkagent bond status` as lines an operator reads. */
export function renderOptimisticStatus(status: OptimisticStatus): string {
  if (!status.lane) return "the vault has no optimistic lane (the owner turns the path on with setOptimisticLane)\n";
  const b = status.bond!;
  const lines = [
    `lane ${status.lane}`,
    `bond: total ${b.total}, locked ${b.locked} by ${b.pending} unsettled claims (most ${status.maxPendingClaims}), withdrawable ${b.withdrawable}${b.slashed ? ", SLASHED" : ""}`,
    `a new claim needs its worst loss + ${status.slashReserve} free`,
    `claims in the journal: ${Object.entries(status.claims.counts)
      .map(([state, n]) => `${n} ${state}`)
      .join(", ")}`,
  ];
  for (const c of status.claims.open) {
    lines.push(
      `  nonce ${c.nonce} ${c.claimId.slice(0, 10)}…: ${c.state}, worst loss ${c.worstLoss}, challenges close ${c.challengeDeadline}${c.responseDeadline ? `, answer by ${c.responseDeadline}` : ""}`,
    );
  }
  if (status.bondHolds > 0)
    lines.push(`ticks held for want of bond: ${status.bondHolds} (last ${status.lastBondHold})`);
  return `${lines.join("\n")}\n`;
}

/** `zkagent status`'s optimistic section: on that path, or while the journal holds claims from it. */
export async function optimisticSection(options: {
  path: "verified" | "optimistic" | "hub";
  provider: Provider;
  traderAddress: string;
  agent: string;
  journal?: JournalView;
}): Promise<{ optimistic?: OptimisticStatus }> {
  const { path, ...rest } = options;
  const hasClaims = Object.values(options.journal?.claimCounts() ?? {}).some((n) => n > 0);
  if (path !== "optimistic" && !hasClaims) return {};
  return { optimistic: await optimisticStatus(rest) };
}
