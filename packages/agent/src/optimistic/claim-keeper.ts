import { ACTION_NAMES, type Action, type SolidityProof } from "@zkagent/circuits";
import { Contract, type Provider } from "ethers";

import { withRetry } from "../chain/retry.ts";
import { IllegalTransitionError } from "../errors.ts";
import type { StoredProof } from "../journal/events.ts";
import type { Journal } from "../journal/journal.ts";
import type { JournaledClaim } from "../journal/ledger.ts";
import type { Logger } from "../log.ts";
import type { BondAccount, LaneClient, LaneParameters } from "./lane-client.ts";
import { formatUnitsShort, worstLossOf } from "./worst-loss.ts";

const TRADER_ABI = [
  "function baseToken() view returns (address)",
  "function quoteToken() view returns (address)",
  "function priceFeed() view returns (address)",
  "function policy() view returns (tuple(uint96 maxPosition, uint16 thresholdBps, uint16 maxSlippageBps, uint32 maxOracleAge, uint24 poolFee))",
];
const DECIMALS_ABI = ["function decimals() view returns (uint8)"];

/** A proof as the journal keeps it (decimal strings; pB's pairs as the contracts take them). */
export function storedProofOf(proof: SolidityProof): StoredProof {
  return {
    a: [proof.a[0].toString(), proof.a[1].toString()],
    b: [
      [proof.b[0][0].toString(), proof.b[0][1].toString()],
      [proof.b[1][0].toString(), proof.b[1][1].toString()],
    ],
    c: [proof.c[0].toString(), proof.c[1].toString()],
  };
}

/** What one pass over the agent's claims did. */
export interface TendReport {
  /** Claims recorded from the chain after a stop between the receipt and the record. */
  recorded: number;
  /** Challenges answered with the kept proof (each wins the challenge bond). */
  answered: number;
  /** Unchallenged claims finalised after their window. */
  finalized: number;
  /** Claims found settled, challenged or slashed by others, and journaled. */
  observed: number;
  /** Claims whose step failed this pass (retried on the next). */
  failed: number;
}

/** Whether a claim fits the bond now; if not, why, with the figures. */
export type BondVerdict =
  | { fits: true; worstLoss: bigint }
  | { fits: false; worstLoss: bigint; required: bigint; free: bigint; pending: number; reason: string };

/**
 * The agent's side of the optimistic path, with the journal as its memory and the lane as the
 * truth:
 *
 * - before proving a trade, `bondVerdict` says whether the lane would accept its claim (free bond
 *   ≥ worst loss + the slash reserve, fewer than maxPendingClaims unsettled); if not, and settling
 *   the open claims early would make room, it settles them (`proveMany`, one transaction); else the
 *   agent holds and journals why (`bond-hold`). Nothing is sent that the lane would refuse.
 * - `tend` (every tick, and every poll between rounds) brings each claim forward: records claims of
 *   trades that executed before a stop, answers a challenge with the kept proof at once (the
 *   response window is at least 10 minutes; the agent answers on its next poll), finalises
 *   unchallenged claims after the window (all that are due in one finalizeMany), and journals what
 *   others did (a watcher's finalisation, a slash). Every step reads the lane's state first, so a
 *   pass after a crash does only what is left.
 *
 * Early settlement costs a verification per claim (~230k gas; 281k for an answer) against 39k for a
 * finalisation, so claims are finalised after the window by default and proven early only when
 * their locked bond is what stands between the agent and its next trade.
 */
export class ClaimKeeper {
  private market?: { scale: bigint };
  private readonly unfound = new Set<string>();

  constructor(
    readonly lane: LaneClient,
    private readonly journal: Journal,
    private readonly provider: Provider,
    private readonly log: Logger,
  ) {}

  parameters(): Promise<LaneParameters> {
    return this.lane.parameters();
  }

  /** 10^(baseDecimals + feedDecimals − quoteDecimals), as the trader computes it (read once). */
  private async scale(): Promise<bigint> {
    if (this.market) return this.market.scale;
    const trader = new Contract(this.lane.traderAddress, TRADER_ABI, this.provider);
    const rpc = <T>(op: () => Promise<T>) => withRetry(op, this.lane.retry);
    const decimalsOf = async (address: string) =>
      Number(await rpc(() => new Contract(address, DECIMALS_ABI, this.provider).getFunction("decimals")()));
    const [base, quote, feed] = (await Promise.all([
      rpc(() => trader.getFunction("baseToken")()),
      rpc(() => trader.getFunction("quoteToken")()),
      rpc(() => trader.getFunction("priceFeed")()),
    ])) as string[];
    const exponent = (await decimalsOf(base!)) + (await decimalsOf(feed!)) - (await decimalsOf(quote!));
    this.market = { scale: 10n ** BigInt(exponent) };
    return this.market.scale;
  }

  /** The worst loss the trader will lock for a trade of `size` at the oracle's `price`. */
  async worstLoss(size: bigint, price: bigint): Promise<bigint> {
    const trader = new Contract(this.lane.traderAddress, TRADER_ABI, this.provider);
    const policy = (await withRetry(() => trader.getFunction("policy")(), this.lane.retry)) as {
      maxSlippageBps: bigint;
    };
    return worstLossOf(size, price, await this.scale(), BigInt(policy.maxSlippageBps));
  }

  /**
   * Whether the lane would open a claim for this trade; if not and settling the open claims early
   * would make room, settles them first (one proveMany) and asks again.
   */
  async bondVerdict(size: bigint, price: bigint): Promise<BondVerdict> {
    const params = await this.lane.parameters();
    const worstLoss = await this.worstLoss(size, price);
    let bond = await this.lane.bond();
    if (!fits(bond, worstLoss, params)) {
      const settleable = await this.settleableEarly();
      const freed = settleable.reduce((sum, c) => sum + BigInt(c.claim.worstLoss), 0n);
      const after = { ...bond, locked: bond.locked - freed, pending: bond.pending - settleable.length };
      if (settleable.length > 0 && !bond.slashed && fits(after, worstLoss, params)) {
        await this.settleEarly(settleable);
        bond = await this.lane.bond();
      }
    }
    if (fits(bond, worstLoss, params)) return { fits: true, worstLoss };
    const unit = (amount: bigint) => formatUnitsShort(amount, params.decimals, params.symbol);
    const required = worstLoss + params.slashReward;
    const free = bond.total > bond.locked ? bond.total - bond.locked : 0n;
    const reason = bond.slashed
      ? "this agent was slashed on this vault's lane and can never bond for it again"
      : bond.pending >= params.maxPendingClaims
        ? `${bond.pending} unsettled claims, the lane's most (maxPendingClaims ${params.maxPendingClaims}); they settle when proven or after their window`
        : `free bond ${unit(free)} (total ${unit(bond.total)}, ${unit(bond.locked)} locked by ${bond.pending} unsettled claims) is short of the claim's ${unit(required)} (worst loss ${unit(worstLoss)} + slash reserve ${unit(params.slashReward)}): deposit with \`zkagent bond deposit\``;
    return { fits: false, worstLoss, required, free, pending: bond.pending, reason };
  }

  /** Journals a tick that held for want of bond. */
  holdForBond(
    tick: number,
    roundId: bigint,
    traderNonce: bigint,
    trade: { action: Action; size: bigint },
    verdict: Extract<BondVerdict, { fits: false }>,
  ): void {
    this.journal.append({
      kind: "bond-hold",
      tick,
      roundId: roundId.toString(),
      traderNonce: traderNonce.toString(),
      action: ACTION_NAMES[trade.action],
      size: trade.size.toString(),
      worstLoss: verdict.worstLoss.toString(),
      required: verdict.required.toString(),
      free: verdict.free.toString(),
      pending: verdict.pending,
      reason: verdict.reason,
    });
  }

  /** Open, unchallenged claims (the lane agrees) whose proofs the journal keeps: what early settlement can free. */
  private async settleableEarly(): Promise<JournaledClaim[]> {
    const settleable: JournaledClaim[] = [];
    for (const claim of this.journal.claims(["open"])) {
      if ((await this.lane.claimState(claim.claimId)).state === "open") settleable.push(claim);
    }
    return settleable;
  }

  /** Proves `claims` in one transaction and journals each settled. */
  private async settleEarly(claims: JournaledClaim[]): Promise<void> {
    const txHash =
      claims.length === 1
        ? await this.lane.prove(claims[0]!.claim, claims[0]!.proof, claims[0]!.publicSignals)
        : await this.lane.proveMany(claims);
    for (const claim of claims) this.journal.trades.claimSettled(claim.claimId, "proven", { settledBy: txHash });
    this.log.info(`optimistic: settled ${claims.length} claims early with their proofs to free bond`, { tx: txHash });
  }

  /** Records the claim of an optimistic trade that just executed, from the lane's ClaimOpened log. */
  async recordOpened(txHash: string, traderNonce: bigint, fromBlock: number): Promise<string | undefined> {
    const claimId = this.lane.claimIdOf(traderNonce);
    const opened = await this.lane.opened(claimId, fromBlock);
    if (!opened || opened.txHash !== txHash) {
      if (!this.unfound.has(claimId)) {
        this.unfound.add(claimId);
        this.log.warn(`optimistic: no ClaimOpened for nonce ${traderNonce} in ${txHash} yet; looking again next pass`);
      }
      return undefined;
    }
    this.journal.trades.claimOpened(txHash, claimId, opened.claim);
    return claimId;
  }

  /** One pass over the agent's claims (see the class). Never throws for one claim: it is retried next pass. */
  async tend(): Promise<TendReport> {
    const report: TendReport = { recorded: 0, answered: 0, finalized: 0, observed: 0, failed: 0 };
    const guard = async (what: string, step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        if (error instanceof IllegalTransitionError) throw error; // a bug: the run loop stops
        report.failed++;
        this.log.warn(`optimistic: ${what} failed: ${(error as Error).message}; retrying next pass`);
      }
    };
    for (const trade of this.journal.unrecordedClaims()) {
      await guard(`recording the claim of nonce ${trade.traderNonce}`, async () => {
        const receipt = await withRetry(() => this.provider.getTransactionReceipt(trade.txHash), this.lane.retry);
        if (await this.recordOpened(trade.txHash, BigInt(trade.traderNonce), receipt?.blockNumber ?? 0)) {
          report.recorded++;
          this.log.info(`optimistic: recorded the claim of nonce ${trade.traderNonce} from the chain`);
        }
      });
    }
    const claims = this.journal.claims();
    if (claims.length > 0) {
      const now = await this.lane.now();
      const due: JournaledClaim[] = [];
      for (const claim of claims) {
        await guard(`claim ${claim.claimId.slice(0, 10)}… (nonce ${claim.traderNonce})`, () =>
          this.step(claim, now, report, due),
        );
      }
      if (due.length > 0) await guard(`finalising ${due.length} claim(s)`, () => this.finalizeDue(due, report));
    }
    await guard("reading the bond", () => this.observeBond());
    return report;
  }

  /**
   * Finalises the unchallenged claims past their windows in one transaction (finalizeMany; one
   * claim: finalize), then journals each settled. A crash in between is settled from the chain next
   * pass (the claim reads settled, its ClaimFinalized log names the transaction).
   */
  private async finalizeDue(due: JournaledClaim[], report: TendReport): Promise<void> {
    const txHash =
      due.length === 1
        ? await this.lane.finalize(due[0]!.claim)
        : await this.lane.finalizeMany(due.map((c) => c.claim));
    for (const claim of due) {
      this.journal.trades.claimSettled(claim.claimId, "finalized", { settledBy: txHash });
      report.finalized++;
    }
    const nonces = due.map((c) => c.traderNonce).join(", ");
    this.log.info(`optimistic: finalised the claim(s) of nonce ${nonces} (unchallenged)`, { tx: txHash });
  }

  private async step(claim: JournaledClaim, now: bigint, report: TendReport, due: JournaledClaim[]): Promise<void> {
    const { claimId } = claim;
    const trades = this.journal.trades;
    const onChain = await this.lane.claimState(claimId);
    const recordChallenge = async () => {
      if (this.journal.claims(["open"]).some((c) => c.claimId === claimId)) {
        const challenge = (await this.lane.challenge(claimId)) ?? {
          challenger: onChain.challenger,
          responseDeadline: onChain.responseDeadline,
        };
        trades.claimChallenged(claimId, challenge.challenger, challenge.responseDeadline);
      }
    };
    switch (onChain.state) {
      case "open":
        if (now > BigInt(claim.claim.challengeDeadline)) due.push(claim); // finalised together after the pass
        return;
      case "challenged": {
        await recordChallenge();
        const params = await this.lane.parameters();
        this.log.warn(
          `optimistic: the claim of nonce ${claim.traderNonce} was challenged by ${onChain.challenger}; answering with its proof (deadline ${new Date(Number(onChain.responseDeadline) * 1000).toISOString()})`,
        );
        const txHash = await this.lane.prove(claim.claim, claim.proof, claim.publicSignals);
        trades.claimSettled(claimId, "proven", { settledBy: txHash, challengeBondWon: params.challengeBond });
        report.answered++;
        this.log.info(
          `optimistic: answered the challenge of nonce ${claim.traderNonce}; won the challenge bond (${formatUnitsShort(params.challengeBond, params.decimals, params.symbol)})`,
          { tx: txHash },
        );
        return;
      }
      case "settled": {
        const settlement = await this.lane.settlement(claimId);
        if (!settlement) return; // the log is not visible yet on this node
        if (settlement.challenger) await recordChallenge();
        const params = await this.lane.parameters();
        trades.claimSettled(claimId, settlement.how, {
          settledBy: settlement.txHash,
          ...(settlement.challenger ? { challengeBondWon: params.challengeBond } : {}),
        });
        report.observed++;
        this.log.info(`optimistic: the claim of nonce ${claim.traderNonce} is settled (${settlement.how})`, {
          tx: settlement.txHash,
        });
        return;
      }
      case "slashed":
        await recordChallenge();
        trades.claimSlashed(claimId, await this.lane.slashing(claimId));
        report.observed++;
        this.log.error(
          `optimistic: the agent was SLASHED for the claim of nonce ${claim.traderNonce}: its bond for this vault went to the vault and the challenger, and it is deauthorised`,
        );
        return;
      case "none":
        // the trade that opened it is no longer on chain (a reorganisation): reconcile re-sends it
        return;
    }
  }

  /** Journals the bond account when it changed since the last record (deposits, withdrawals, locks). */
  private async observeBond(): Promise<void> {
    const bond = await this.lane.bond();
    const last = this.journal.last("bond");
    const entry = bondEntry(bond);
    if (last && last.kind === "bond" && JSON.stringify(bondEntry(last)) === JSON.stringify(entry)) return;
    this.journal.append(entry);
  }
}

function bondEntry(bond: {
  total: bigint | string;
  locked: bigint | string;
  pending: number;
  withdrawable: bigint | string;
  slashed: boolean;
}) {
  return {
    kind: "bond" as const,
    total: bond.total.toString(),
    locked: bond.locked.toString(),
    pending: bond.pending,
    withdrawable: bond.withdrawable.toString(),
    slashed: bond.slashed,
  };
}

/** OptimisticLane.openClaim's checks, in the same order. */
function fits(bond: BondAccount, worstLoss: bigint, params: LaneParameters): boolean {
  return (
    !bond.slashed &&
    bond.pending < params.maxPendingClaims &&
    bond.total >= bond.locked + worstLoss + params.slashReward
  );
}
