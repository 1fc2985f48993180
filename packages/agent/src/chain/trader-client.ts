import { Contract, Interface, Transaction, type Provider, type TransactionReceipt } from "ethers";

import type { PolicyProof } from "@zkagent/circuits";
import {
  DecentralizedTrader__factory,
  OptimisticLane__factory,
  WindowLog__factory,
  type DecentralizedTrader,
} from "@zkagent/contracts/typechain";

import { PreflightError, TradeRevertedError } from "../errors.ts";
import type { Journal } from "../journal/journal.ts";
import { assertChainId } from "./assert-chain-id.ts";
import { decodeRevert } from "./decode-error.ts";
import { DEFAULT_RETRY, withRetry, type RetryOptions } from "./retry.ts";
import type { AgentSigner } from "./signer.ts";

/** Every error a trade can revert with: the trader's, its libraries', the window log's and the optimistic lane's. */
const TRADE_ERRORS = new Interface([
  ...DecentralizedTrader__factory.abi,
  ...WindowLog__factory.abi.filter((fragment) => fragment.type === "error"),
  ...OptimisticLane__factory.abi.filter((fragment) => fragment.type === "error"),
]);

export interface TraderState {
  nonce: bigint;
  position: bigint;
  maxPosition: bigint;
  thresholdBps: bigint;
  maxOracleAge: bigint;
  /** The policy's slippage bound on every swap, in basis points of the oracle's value. */
  maxSlippageBps: bigint;
  /** The fee tier of the Uniswap V3 pool the vault swaps on. */
  poolFee: bigint;
}

export type SubmitOutcome =
  { status: "executed"; txHash: string; receipt: TransactionReceipt } | { status: "pending"; txHash: string };

const REGISTRY_ABI = ["function isApproved(uint256) view returns (bool)"];

/**
 * The agent's view of its DecentralizedTrader: preflight checks, state reads, and submission
 * that journals the signed transaction before broadcasting it, so a crash at any point can be
 * reconciled without ever sending a second transaction for the same trader nonce.
 */
export class TraderClient {
  readonly trader: DecentralizedTrader;

  constructor(
    readonly traderAddress: string,
    readonly wallet: AgentSigner,
    readonly retry: RetryOptions = DEFAULT_RETRY,
    readonly confirmTimeoutMs = 120_000,
    readonly receiptPollMs = 1_000,
  ) {
    this.trader = DecentralizedTrader__factory.connect(traderAddress, wallet);
  }

  private get provider(): Provider {
    return this.wallet.provider!;
  }

  private rpc<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.retry);
  }

  /** Before the first tick: right chain, a contract at the address, this agent authorised, the model approved. */
  async preflight(expectedChainId: bigint, modelHash: bigint): Promise<{ priceFeed: string }> {
    // First, before anything else is read or sent: the node's own answer, not the configured network.
    const chainId = await assertChainId(this.provider, expectedChainId, this.retry);
    const code = await this.rpc(() => this.provider.getCode(this.traderAddress));
    if (code === "0x") {
      throw new PreflightError(
        `no contract at traderAddress ${this.traderAddress} on chain ${chainId}: check the address`,
      );
    }
    let authorized: boolean;
    try {
      authorized = await this.rpc(() => this.trader.isAuthorized(this.wallet.address));
    } catch {
      throw new PreflightError(`${this.traderAddress} does not answer as a DecentralizedTrader: check traderAddress`);
    }
    if (!authorized) {
      throw new PreflightError(
        `agent ${this.wallet.address} is not authorised on ${this.traderAddress}: ask the vault owner to call setAgentAuthorization`,
      );
    }
    const registry = new Contract(await this.rpc(() => this.trader.modelRegistry()), REGISTRY_ABI, this.provider);
    if (!(await this.rpc(() => registry.getFunction("isApproved")(modelHash) as Promise<boolean>))) {
      throw new PreflightError(
        `model ${modelHash.toString(16)} is not approved in the registry: register and approve it, or run the approved model`,
      );
    }
    return { priceFeed: await this.rpc(() => this.trader.priceFeed()) };
  }

  /** Whether the vault refuses agent trades that commit no decision record (`setDecisionRecordsRequired`). */
  async decisionRecordsRequired(): Promise<boolean> {
    return this.rpc(() => this.trader.decisionRecordsRequired());
  }

  async state(): Promise<TraderState> {
    const [nonce, position, policy] = await Promise.all([
      this.rpc(() => this.trader.nonceOf(this.wallet.address)),
      this.rpc(() => this.trader.positionOf(this.wallet.address)),
      this.rpc(() => this.trader.policy()),
    ]);
    return {
      nonce,
      position,
      maxPosition: policy.maxPosition,
      thresholdBps: policy.thresholdBps,
      maxOracleAge: policy.maxOracleAge,
      maxSlippageBps: policy.maxSlippageBps,
      poolFee: policy.poolFee,
    };
  }

  /**
   * Simulates, signs, journals and broadcasts; returns the transaction hash (see `confirm`). A revert in simulation sends nothing. The
   * signed transaction is journaled (fsync'd) before it is broadcast; re-broadcasting the same
   * bytes is idempotent, so recovery never creates a second transaction for this nonce. With a
   * `recordHash` (disclosure on) the trade is `executeTradeWithRecord`, which commits that hash
   * of the sealed decision record in a `DecisionRecordCommitted` event; else `executeTrade`.
   */
  async send(
    proof: PolicyProof,
    traderNonce: bigint,
    deadline: bigint,
    journal: Journal,
    amountLimit = 0n,
    recordHash?: string,
  ): Promise<string> {
    const data =
      recordHash === undefined
        ? this.trader.interface.encodeFunctionData("executeTrade", [
            proof.solidityProof,
            proof.publicSignals,
            deadline,
            amountLimit,
          ])
        : this.trader.interface.encodeFunctionData("executeTradeWithRecord", [
            proof.solidityProof,
            proof.publicSignals,
            deadline,
            amountLimit,
            recordHash,
          ]);
    return this.signAndSend(data, traderNonce, journal);
  }

  /**
   * `send` for the optimistic path: `executeOptimistic` with the proof's public signals only (no
   * verification on-chain; the trader opens a claim in its lane, which the agent answers with the
   * proof if challenged). Simulated, journaled and broadcast exactly as `send`.
   */
  async sendOptimistic(
    publicSignals: readonly bigint[],
    traderNonce: bigint,
    deadline: bigint,
    journal: Journal,
    amountLimit = 0n,
  ): Promise<string> {
    const data = this.trader.interface.encodeFunctionData("executeOptimistic", [
      publicSignals as [bigint, bigint, bigint, bigint, bigint],
      deadline,
      amountLimit,
    ]);
    return this.signAndSend(data, traderNonce, journal);
  }

  private async signAndSend(data: string, traderNonce: bigint, journal: Journal): Promise<string> {
    const request = { to: this.traderAddress, data, from: this.wallet.address };
    let gas: bigint;
    try {
      gas = await this.rpc(() => this.provider.estimateGas(request));
    } catch (error) {
      if (error instanceof Error && error.name === "RpcUnavailableError") throw error;
      throw new TradeRevertedError(decodeRevert(error, TRADE_ERRORS));
    }
    const accountNonce = await this.rpc(() => this.provider.getTransactionCount(this.wallet.address, "pending"));
    const populated = await this.rpc(() =>
      this.wallet.populateTransaction({ ...request, nonce: accountNonce, gasLimit: (gas * 12n) / 10n }),
    );
    const rawTx = await this.wallet.signTransaction(populated);
    const txHash = Transaction.from(rawTx).hash!;
    journal.trades.signed({ traderNonce, txHash, rawTx, accountNonce });
    if ((await this.submit({ traderNonce: traderNonce.toString(), txHash, rawTx }, journal)) === "refused") {
      throw new TradeRevertedError(
        "the node refused the transaction at submission: it reverts (the state changed after the simulation)",
        undefined,
        true,
      );
    }
    return txHash;
  }

  /**
   * Sends signed bytes (again, if need be). "already known" means an earlier attempt got through.
   * A revert reported at submission is either a transaction the node mined and reverted (Hardhat's
   * automine reports it so) or one it refused: the receipt tells which. A refused transaction can
   * never be mined; it is journaled abandoned and "refused" is returned.
   */
  async submit(
    send: { traderNonce: string; txHash: string; rawTx: string },
    journal: Journal,
  ): Promise<"sent" | "refused"> {
    try {
      await this.rpc(() => this.provider.broadcastTransaction(send.rawTx));
      return "sent";
    } catch (error) {
      const e = error as { message?: string; error?: { code?: number; message?: string } };
      if (/already known|known transaction|nonce too low|already imported/i.test(String(e.message))) return "sent";
      const revertedAtSubmission = e.error?.code === 3 || /revert/i.test(String(e.error?.message ?? ""));
      if (!revertedAtSubmission) throw error;
      if (await this.receipt(send.txHash)) return "sent";
      journal.trades.abandoned({ txHash: send.txHash }, "the node refused the transaction at submission: it reverts");
      return "refused";
    }
  }

  /**
   * Polls for the receipt until `confirmTimeoutMs`; a revert becomes a TradeRevertedError, a
   * timeout a pending outcome. Each poll goes through the retry layer, so RPC faults while waiting
   * are retried and reported like any other call.
   */
  async confirm(txHash: string): Promise<SubmitOutcome> {
    const deadline = Date.now() + this.confirmTimeoutMs;
    for (;;) {
      const receipt = await this.receipt(txHash);
      if (receipt) {
        if (receipt.status !== 1)
          throw new TradeRevertedError(
            "reverted on-chain after passing simulation (the state changed in between)",
            txHash,
            false,
            receipt,
          );
        return { status: "executed", txHash, receipt };
      }
      if (Date.now() >= deadline) return { status: "pending", txHash };
      await new Promise((r) => setTimeout(r, Math.min(this.receiptPollMs, Math.max(0, deadline - Date.now()))));
    }
  }

  /** The chain's latest block time plus `seconds`: the deadline a trade is submitted with. */
  async deadlineIn(seconds: number): Promise<bigint> {
    const block = await this.rpc(() => this.provider.getBlock("latest"));
    if (!block) throw new Error("the RPC returned no latest block");
    return BigInt(block.timestamp) + BigInt(seconds);
  }

  /** The agent account's nonce counting mined transactions only. */
  async minedAccountNonce(): Promise<number> {
    return this.rpc(() => this.provider.getTransactionCount(this.wallet.address, "latest"));
  }

  /** This agent's trader nonce: the number of trades the contract has executed for it. */
  async traderNonce(): Promise<bigint> {
    return this.rpc(() => this.trader.nonceOf(this.wallet.address));
  }

  async receipt(txHash: string): Promise<TransactionReceipt | null> {
    return this.rpc(() => this.provider.getTransactionReceipt(txHash));
  }
}
