import { DecentralizedTrader__factory, FollowBatcher__factory, type FollowBatcher } from "@zkagent/contracts/typechain";

import { decodeRevert } from "../chain/decode-error.ts";
import { withRetry, type RetryOptions } from "../chain/retry.ts";
import type { TraderClient } from "../chain/trader-client.ts";
import { TradeRevertedError } from "../errors.ts";
import { HUB_ERRORS } from "./hub-client.ts";

/** The hub path's keeper (config `hub.keeper`): the vaults it executes signals for, and the batcher. */
export interface KeeperOptions {
  /** A deployed FollowBatcher. */
  batcher: string;
  /** The vaults (subscribed to this agent on this hub) whose follows it sends, in one transaction a round. */
  vaults: readonly string[];
}

/** One signal of the trader's market, as every follow of it names it. */
export interface FollowedSignal {
  roundId: bigint;
  pricesCommitment: bigint;
  modelHash: bigint;
}

/** What one round's keeping did (journaled `hub-keeper`, CycleReport.hub.keeper). */
export interface KeeperOutcome {
  /** `refused`: every due vault would refuse (nothing sent); `reverted`: the batch itself reverted. */
  status: "executed" | "reverted" | "refused";
  txHash?: string;
  /** The vaults that followed in the batch. */
  followed: string[];
  /** The vaults left out before sending (simulated refusal) or skipped in the batch, with why. */
  skipped: { vault: string; reason: string }[];
  gasUsed?: bigint;
  reason?: string;
}

/**
 * Executes each round's signal for the configured vaults in one FollowBatcher transaction, so the
 * transaction's base cost and the cold reads are paid once for all of them (see bench, "batched").
 * A vault is due if it follows this agent on this hub and has not followed the round; each due
 * vault's follow is simulated first, and one that would refuse is left out with its reason. Not
 * journaled before it is sent: a vault follows a round at most once (RoundAlreadyFollowed), so a
 * batch lost in a crash is re-sent at worst for the vaults that did not follow, never twice.
 */
export class FollowKeeper {
  private readonly batcher: FollowBatcher;

  constructor(
    readonly options: KeeperOptions,
    private readonly client: TraderClient,
    private readonly hubAddress: string,
    private readonly retry: RetryOptions,
  ) {
    this.batcher = FollowBatcher__factory.connect(options.batcher, client.wallet);
  }

  private rpc<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.retry);
  }

  /** Sends the round's follows for every due vault; undefined if no vault is due (nothing journaled). */
  async keep(signal: FollowedSignal): Promise<KeeperOutcome | undefined> {
    const publisher = this.client.wallet.address.toLowerCase();
    const due: string[] = [];
    for (const address of this.options.vaults) {
      const vault = DecentralizedTrader__factory.connect(address, this.client.wallet);
      const [hub, subscribedTo, lastRound] = await this.rpc(() =>
        Promise.all([vault.signalHub(), vault.signalPublisher(), vault.lastFollowedRound()]),
      );
      const ours = hub.toLowerCase() === this.hubAddress.toLowerCase() && subscribedTo.toLowerCase() === publisher;
      if (ours && lastRound < signal.roundId) due.push(address);
    }
    if (due.length === 0) return undefined;

    const args = [signal.roundId, signal.pricesCommitment, signal.modelHash] as const;
    const skipped: KeeperOutcome["skipped"] = [];
    const ready: string[] = [];
    for (const address of due) {
      const vault = DecentralizedTrader__factory.connect(address, this.client.wallet);
      try {
        await this.rpc(() => vault.followSignal.staticCall(...args));
        ready.push(address);
      } catch (error) {
        if (error instanceof Error && error.name === "RpcUnavailableError") throw error;
        skipped.push({ vault: address, reason: decodeRevert(error, HUB_ERRORS) });
      }
    }
    if (ready.length === 0) return { status: "refused", followed: [], skipped };

    const follows = ready.map((vault) => ({ vault, ...signal }));
    const gas = await this.rpc(() => this.batcher.followAll.estimateGas(follows));
    const tx = await this.batcher.followAll(follows, { gasLimit: (gas * 12n) / 10n });
    try {
      const confirmed = await this.client.confirm(tx.hash);
      if (confirmed.status !== "executed") {
        return { status: "executed", txHash: tx.hash, followed: [], skipped, reason: "not mined yet" };
      }
      // A vault whose state changed between the simulation and the block is skipped in the batch.
      const inBatch = confirmed.receipt.logs
        .filter((log) => log.address.toLowerCase() === this.options.batcher.toLowerCase())
        .map((log) => this.batcher.interface.parseLog(log)!)
        .filter((parsed) => parsed.name === "FollowSkipped")
        .map((parsed) => ({ vault: String(parsed.args.vault), selector: String(parsed.args.reason) }));
      for (const { vault, selector } of inBatch) {
        const error = HUB_ERRORS.getError(selector);
        skipped.push({ vault, reason: error ? `${error.name} (in the batch)` : `${selector} (in the batch)` });
      }
      const left = new Set(inBatch.map((s) => s.vault.toLowerCase()));
      return {
        status: "executed",
        txHash: tx.hash,
        followed: ready.filter((vault) => !left.has(vault.toLowerCase())),
        skipped,
        gasUsed: confirmed.receipt.gasUsed,
      };
    } catch (error) {
      if (!(error instanceof TradeRevertedError)) throw error;
      return { status: "reverted", txHash: tx.hash, followed: [], skipped, reason: error.reason };
    }
  }
}
