import { Interface, Transaction, type TransactionReceipt } from "ethers";

import type { SignalProof } from "@zkagent/circuits";
import {
  DecentralizedTrader__factory,
  SignalHub__factory,
  WindowLog__factory,
  type SignalHub,
} from "@zkagent/contracts/typechain";

import { decodeRevert } from "../chain/decode-error.ts";
import { withRetry, type RetryOptions } from "../chain/retry.ts";
import type { TraderClient } from "../chain/trader-client.ts";
import { PreflightError, TradeRevertedError } from "../errors.ts";
import type { Journal } from "../journal/journal.ts";

/** Every error a publication or a follow can revert with: the hub's, its libraries', the window log's and the vault's. */
export const HUB_ERRORS = new Interface([
  ...SignalHub__factory.abi.filter((fragment) => fragment.type === "error"),
  ...DecentralizedTrader__factory.abi.filter((fragment) => fragment.type === "error"),
  ...WindowLog__factory.abi.filter((fragment) => fragment.type === "error"),
]);

/** One listed market of the hub. */
export interface HubMarket {
  id: bigint;
  feed: string;
  windowLog: string;
}

/** A signal the hub verified (ISignalHub.VerifiedSignal); `verifiedAt` 0: none under that key. */
export interface HubSignal {
  action: number;
  sizeBps: bigint;
  latestPrice: bigint;
  roundId: bigint;
  verifiedAt: bigint;
}

/**
 * The agent's view of a SignalHub: its markets, the cache (keyOf, signalOf), the binding of the
 * next proof (nonceOf, expectedContext), and publication — simulated, signed, journaled (a
 * publication's `signed` step, fsync'd) and only then broadcast, exactly as a trade is, so the
 * trader client's recovery settles a publication left open by a crash the same way.
 */
export class HubClient {
  readonly hub: SignalHub;

  constructor(
    readonly address: string,
    /** The agent's trader client: its signer, its broadcast (`submit`) and receipt reads. */
    readonly client: TraderClient,
    readonly retry: RetryOptions,
  ) {
    this.hub = SignalHub__factory.connect(address, client.wallet);
  }

  private rpc<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.retry);
  }

  /** Every listed market, by id. Refused (PreflightError) if nothing at `address` answers as a hub. */
  async listMarkets(): Promise<HubMarket[]> {
    const code = await this.rpc(() => this.client.wallet.provider!.getCode(this.address));
    if (code === "0x") throw new PreflightError(`no contract at hub.address ${this.address}: check the address`);
    let count: bigint;
    try {
      count = await this.rpc(() => this.hub.marketCount());
    } catch {
      throw new PreflightError(`${this.address} does not answer as a SignalHub: check hub.address`);
    }
    const markets: HubMarket[] = [];
    for (let id = 0n; id < count; id++) {
      const { feed, windowLog } = await this.rpc(() => this.hub.market(id));
      markets.push({ id, feed, windowLog });
    }
    return markets;
  }

  /** The verifier the hub uses for proofs of `k` markets (zero: such proofs are refused). */
  async verifierOf(k: number): Promise<string> {
    return this.rpc(() => this.hub.verifierOf(k));
  }

  /** The key the hub caches a signal under (SignalHub.keyOf; SignalKey). */
  async keyOf(
    publisher: string,
    feed: string,
    roundId: bigint,
    pricesCommitment: bigint,
    modelHash: bigint,
    thresholdBps: bigint,
  ): Promise<string> {
    return this.rpc(() => this.hub.keyOf(publisher, feed, roundId, pricesCommitment, modelHash, thresholdBps));
  }

  async signalOf(key: string): Promise<HubSignal> {
    const s = await this.rpc(() => this.hub.signalOf(key));
    return {
      action: Number(s.action),
      sizeBps: s.sizeBps,
      latestPrice: s.latestPrice,
      roundId: s.roundId,
      verifiedAt: s.verifiedAt,
    };
  }

  /** The hub nonce and the context the publisher's next proof must carry. */
  async binding(publisher: string): Promise<{ hubNonce: bigint; context: bigint }> {
    const [hubNonce, context] = await Promise.all([
      this.rpc(() => this.hub.nonceOf(publisher)),
      this.rpc(() => this.hub.expectedContext(publisher)),
    ]);
    return { hubNonce, context };
  }

  async nonceOf(publisher: string): Promise<bigint> {
    return this.rpc(() => this.hub.nonceOf(publisher));
  }

  /**
   * Simulates publishSignal (a revert sends nothing: TradeRevertedError with the decoded reason),
   * signs it, journals the signed bytes as the publication's `signed` step, then broadcasts them;
   * returns the transaction hash (await it with the trader client's `confirm`).
   */
  async publish(marketIds: readonly bigint[], proof: SignalProof, hubNonce: bigint, journal: Journal): Promise<string> {
    const wallet = this.client.wallet;
    const data = this.hub.interface.encodeFunctionData("publishSignal", [
      [...marketIds],
      proof.solidityProof,
      proof.publicSignals,
    ]);
    const request = { to: this.address, data, from: wallet.address };
    let gas: bigint;
    try {
      gas = await this.rpc(() => wallet.provider!.estimateGas(request));
    } catch (error) {
      if (error instanceof Error && error.name === "RpcUnavailableError") throw error;
      throw new TradeRevertedError(decodeRevert(error, HUB_ERRORS));
    }
    const accountNonce = await this.rpc(() => wallet.provider!.getTransactionCount(wallet.address, "pending"));
    const populated = await this.rpc(() =>
      wallet.populateTransaction({ ...request, nonce: accountNonce, gasLimit: (gas * 12n) / 10n }),
    );
    const rawTx = await wallet.signTransaction(populated);
    const txHash = Transaction.from(rawTx).hash!;
    journal.trades.signed({ traderNonce: hubNonce, txHash, rawTx, accountNonce, of: "publication" });
    if ((await this.client.submit({ traderNonce: hubNonce.toString(), txHash, rawTx }, journal)) === "refused") {
      throw new TradeRevertedError(
        "the node refused the publication at submission: it reverts (the state changed after the simulation)",
        undefined,
        true,
      );
    }
    return txHash;
  }

  /** The keys a mined publication's SignalVerified logs name (this hub's logs for `publisher` only). */
  verifiedKeysIn(receipt: TransactionReceipt, publisher: string): string[] {
    const keys: string[] = [];
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const parsed = this.hub.interface.parseLog(log);
      if (
        parsed?.name === "SignalVerified" &&
        String(parsed.args.publisher).toLowerCase() === publisher.toLowerCase()
      ) {
        keys.push(String(parsed.args.key));
      }
    }
    return keys;
  }

  /** Simulates and sends followSignal on `trader`; the reason if the vault would refuse it (nothing sent). */
  async follow(
    trader: string,
    signal: { roundId: bigint; pricesCommitment: bigint; modelHash: bigint },
  ): Promise<{ txHash: string } | { refused: string }> {
    const vault = DecentralizedTrader__factory.connect(trader, this.client.wallet);
    const args = [signal.roundId, signal.pricesCommitment, signal.modelHash] as const;
    let gas: bigint;
    try {
      gas = await this.rpc(() => vault.followSignal.estimateGas(...args));
    } catch (error) {
      if (error instanceof Error && error.name === "RpcUnavailableError") throw error;
      return { refused: decodeRevert(error, HUB_ERRORS) };
    }
    const tx = await vault.followSignal(...args, { gasLimit: (gas * 12n) / 10n });
    return { txHash: tx.hash };
  }
}
