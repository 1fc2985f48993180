import { OptimisticLane__factory, type OptimisticLane } from "@zkagent/contracts/typechain";
import { Contract, type Log, type Provider, type Signer } from "ethers";

import { judgeClaim, type ClaimJudgement } from "./judge-claim.ts";

/** The lane's claim states (OptimisticLane.claimState). */
const STATE_NAMES = ["none", "open", "challenged", "settled", "slashed"] as const;
export type ClaimStateName = (typeof STATE_NAMES)[number];

/** A claim's fields as the lane hashes them (ClaimOpened's `claim`). */
export interface ClaimFields {
  trader: string;
  agent: string;
  nonce: bigint;
  signalsHash: string;
  verifier: string;
  worstLoss: bigint;
  challengeDeadline: bigint;
}

/** What the watcher saw of one claim and what it did. */
export interface WatchedClaim {
  claimId: string;
  claim: ClaimFields;
  block: number;
  txHash: string;
  state: ClaimStateName;
  judgement?: ClaimJudgement;
  action: "none" | "challenged" | "slashed" | "finalized";
  actionTx?: string;
}

export interface WatchOptions {
  provider: Provider;
  lane: string;
  /** The challenger's signer; without one the watcher only reports. */
  signer?: Signer;
  fromBlock: number;
  toBlock?: number;
  /** Largest getLogs range the node accepts. */
  maxBlockRange?: number;
  /** Also finalise unchallenged claims whose window has passed (releases honest agents' bonds). */
  finalize?: boolean;
  /** Challenge claims naming a proven model, which a watcher cannot check (at its bond's risk). */
  challengeUnverifiable?: boolean;
  onProgress?: (fromBlock: number, toBlock: number) => void;
}

export interface WatchReport {
  lane: string;
  fromBlock: number;
  toBlock: number;
  claims: WatchedClaim[];
}

const ERC20_ABI = [
  "function allowance(address, address) view returns (uint256)",
  "function approve(address, uint256) returns (bool)",
];

/**
 * One pass of the challenger bot over a lane's claims in a block range: every open claim is
 * re-checked from public data ({@link judgeClaim}); one that cannot have a proof is challenged; a
 * claim this watcher challenged and the agent left unanswered past its response window is
 * slashed; optionally, unchallenged claims past their window are finalised. Idempotent: the lane's
 * state, not the watcher's memory, says what is left to do, so passes can overlap or resume.
 */
export async function watchClaims(options: WatchOptions): Promise<WatchReport> {
  const { provider, signer } = options;
  const lane = OptimisticLane__factory.connect(options.lane, signer ?? provider);
  const toBlock = options.toBlock ?? (await provider.getBlockNumber());
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  const me = signer ? await signer.getAddress() : undefined;
  const claims: WatchedClaim[] = [];
  const range = options.maxBlockRange ?? 10_000;

  for (let from = options.fromBlock; from <= toBlock; from += range) {
    const to = Math.min(toBlock, from + range - 1);
    options.onProgress?.(from, to);
    const logs = await lane.queryFilter(lane.filters.ClaimOpened(), from, to);
    for (const log of logs) {
      const claim = fieldsOf(log.args.claim);
      const watched: WatchedClaim = {
        claimId: log.args.claimId,
        claim,
        block: log.blockNumber,
        txHash: log.transactionHash,
        state: "none",
        action: "none",
      };
      const [state, challenger, responseDeadline] = await lane.claimState(watched.claimId);
      watched.state = STATE_NAMES[Number(state)]!;
      if (watched.state === "open" || watched.state === "challenged") {
        watched.judgement = await judgeClaim(provider, claim.trader, log.args.publicSignals.map(BigInt));
      }
      if (signer && me) await act(lane, signer, me, watched, { challenger, responseDeadline, now }, options);
      claims.push(watched);
    }
  }
  return { lane: options.lane, fromBlock: options.fromBlock, toBlock, claims };
}

async function act(
  lane: OptimisticLane,
  signer: Signer,
  me: string,
  watched: WatchedClaim,
  { challenger, responseDeadline, now }: { challenger: string; responseDeadline: bigint; now: bigint },
  options: WatchOptions,
): Promise<void> {
  const { claim, judgement } = watched;
  if (watched.state === "open" && now <= claim.challengeDeadline) {
    const challengeable =
      judgement?.verdict === "invalid" || (judgement?.verdict === "unverifiable" && options.challengeUnverifiable);
    if (!challengeable) return;
    await ensureAllowance(lane, signer, me);
    const tx = await lane.challenge(claim);
    await tx.wait();
    Object.assign(watched, { action: "challenged", actionTx: tx.hash, state: "challenged" });
  } else if (watched.state === "open" && options.finalize) {
    const tx = await lane.finalize(claim);
    await tx.wait();
    Object.assign(watched, { action: "finalized", actionTx: tx.hash, state: "settled" });
  } else if (watched.state === "challenged" && challenger === me && now > responseDeadline) {
    const tx = await lane.slash(claim);
    await tx.wait();
    Object.assign(watched, { action: "slashed", actionTx: tx.hash, state: "slashed" });
  }
}

async function ensureAllowance(lane: OptimisticLane, signer: Signer, me: string): Promise<void> {
  const token = new Contract(await lane.bondToken(), ERC20_ABI, signer);
  const bond = await lane.challengeBond();
  const laneAddress = await lane.getAddress();
  if ((await token.getFunction("allowance")(me, laneAddress)) < bond) {
    await (await token.getFunction("approve")(laneAddress, bond)).wait();
  }
}

/** The claim a trade's receipt opened (its lane's ClaimOpened log), as the lane's calls take it. */
export function claimOfReceipt(
  lane: OptimisticLane,
  receipt: { hash: string; logs: readonly Log[] },
): { id: string; claim: ClaimFields } {
  for (const log of receipt.logs) {
    const parsed = lane.interface.parseLog(log);
    if (parsed?.name === "ClaimOpened")
      return { id: parsed.args.claimId as string, claim: fieldsOf(parsed.args.claim) };
  }
  throw new Error(`no ClaimOpened in ${receipt.hash}`);
}

function fieldsOf(c: ClaimFields): ClaimFields {
  return {
    trader: c.trader,
    agent: c.agent,
    nonce: c.nonce,
    signalsHash: c.signalsHash,
    verifier: c.verifier,
    worstLoss: c.worstLoss,
    challengeDeadline: c.challengeDeadline,
  };
}
