import { Transaction, type Provider } from "ethers";

import { FederatedRound__factory, type FederatedRound } from "@zkagent/contracts/typechain";

import { decodeRevert } from "../chain/decode-error.ts";
import { DEFAULT_RETRY, withRetry, type RetryOptions } from "../chain/retry.ts";
import type { AgentSigner } from "../chain/signer.ts";
import type { Journal } from "../journal/journal.ts";
import { FederatedCallError, FederatedPendingError, FederatedRoundError } from "./federated-errors.ts";
import type { FederatedCallDetail, FederatedStep } from "./federated-entries.ts";
import type { FederatedAttempt } from "./federated-lifecycle.ts";

/** A round as the contract holds it. */
export interface RoundView {
  roundId: bigint;
  baseModel: bigint;
  clipBoundSquared: bigint;
  deadline: bigint;
  minSampleCount: bigint;
  maxSampleCount: bigint;
  newModel: bigint;
  participants: string[];
  updateCommitments: bigint[];
  sampleCounts: bigint[];
}

/** What a send ended as. */
export interface SendOutcome {
  txHash: string;
  gasUsed: bigint;
  blockNumber: number;
  /** True when the journal had it executed already (nothing was sent now). */
  already: boolean;
}

const CALL_OF: Record<FederatedStep, string> = { submit: "submitUpdate", finalize: "finalize" };

/**
 * A FederatedRound seen by one operator: reads, and its calls sent with the trading agent's
 * discipline — built (and for finalize, proven) and journaled before signing, signed and journaled
 * before broadcasting, so a crash at any point is finished by running the same command again: an
 * open attempt is driven on with the journaled bytes (the proof is never made twice, the
 * transaction never signed twice); a refused call is journaled abandoned (reverted when mined),
 * so the journal and the chain agree and the next run starts afresh.
 */
export class FederatedRoundClient {
  readonly contract: FederatedRound;

  constructor(
    readonly address: string,
    readonly provider: Provider,
    readonly signer?: AgentSigner,
    readonly retry: RetryOptions = DEFAULT_RETRY,
    readonly confirmTimeoutMs = 120_000,
    readonly receiptPollMs = 500,
  ) {
    this.contract = FederatedRound__factory.connect(address, provider);
  }

  private rpc<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.retry);
  }

  /** Throws a FederatedRoundError unless the address holds a FederatedRound. */
  async assertDeployed(): Promise<void> {
    const code = await this.rpc(() => this.provider.getCode(this.address));
    if (code === "0x") {
      throw new FederatedRoundError(`no contract at ${this.address}: check federatedRound in the config and the chain`);
    }
    try {
      await this.rpc(() => this.contract.roundCount());
    } catch {
      throw new FederatedRoundError(
        `${this.address} is not a FederatedRound (roundCount() failed): check federatedRound in the config`,
      );
    }
  }

  async roundCount(): Promise<bigint> {
    return this.rpc(() => this.contract.roundCount());
  }

  /** Round `roundId`, or a FederatedRoundError naming how many rounds exist. */
  async round(roundId: bigint): Promise<RoundView> {
    const count = await this.roundCount();
    if (roundId >= count) {
      throw new FederatedRoundError(
        `round ${roundId} does not exist on FederatedRound ${this.address} (${count} rounds opened${count > 0n ? `: 0 to ${count - 1n}` : ""})`,
      );
    }
    const r = await this.rpc(() => this.contract.round(roundId));
    return {
      roundId,
      baseModel: r.baseModel,
      clipBoundSquared: r.clipBoundSquared,
      deadline: r.deadline,
      minSampleCount: r.minSampleCount,
      maxSampleCount: r.maxSampleCount,
      newModel: r.newModel,
      participants: [...r.participants],
      updateCommitments: [...r.updateCommitments],
      sampleCounts: [...r.sampleCounts],
    };
  }

  async latestTimestamp(): Promise<bigint> {
    const block = await this.rpc(() => this.provider.getBlock("latest"));
    return BigInt(block!.timestamp);
  }

  /**
   * Submits (step "submit") or finalises (step "finalize") round `roundId`: finishes the attempt
   * the journal has open, else reports the one that executed, else builds a new one with
   * `prepare` (called only then: a proof is made once) and sends it.
   */
  async send(
    journal: Journal,
    step: FederatedStep,
    roundId: bigint,
    prepare: () => Promise<{ data: string; detail: FederatedCallDetail }>,
    onRecover?: (attempt: FederatedAttempt) => void,
  ): Promise<SendOutcome> {
    const lifecycle = journal.federated;
    let attempt = lifecycle.open(step, roundId);
    if (attempt) {
      onRecover?.(attempt);
    } else {
      const done = lifecycle.executed(step, roundId);
      if (done)
        return { txHash: done.txHash!, gasUsed: BigInt(done.gasUsed!), blockNumber: done.blockNumber!, already: true };
      const call = await prepare();
      lifecycle.prepared(step, roundId, { to: this.address, ...call });
      attempt = lifecycle.open(step, roundId)!;
    }
    return this.drive(journal, attempt);
  }

  private async drive(journal: Journal, attempt: FederatedAttempt): Promise<SendOutcome> {
    const signer = this.signer;
    if (!signer) throw new Error("FederatedRoundClient.send needs a signer");
    const lifecycle = journal.federated;
    const { step } = attempt;
    const roundId = BigInt(attempt.roundId);
    const call = CALL_OF[step];
    let { txHash, rawTx } = attempt;
    if (attempt.state === "prepared") {
      const request = { to: attempt.to, data: attempt.data, from: signer.address };
      let gas: bigint;
      try {
        gas = await this.rpc(() => this.provider.estimateGas(request));
      } catch (error) {
        if (error instanceof Error && error.name === "RpcUnavailableError") throw error;
        const reason = decodeRevert(error, this.contract.interface);
        lifecycle.abandoned(step, roundId, `refused in simulation: ${reason}`);
        throw new FederatedCallError(call, reason);
      }
      const accountNonce = await this.rpc(() => this.provider.getTransactionCount(signer.address, "pending"));
      const populated = await this.rpc(() =>
        signer.populateTransaction({ ...request, nonce: accountNonce, gasLimit: (gas * 12n) / 10n }),
      );
      rawTx = await signer.signTransaction(populated);
      txHash = Transaction.from(rawTx).hash!;
      lifecycle.signed(step, roundId, { txHash, rawTx, accountNonce });
    }
    await this.broadcast(journal, step, roundId, txHash!, rawTx!);
    return this.confirm(journal, step, roundId, txHash!);
  }

  /** Sends signed bytes (again): "already known" means an earlier attempt got through. */
  private async broadcast(
    journal: Journal,
    step: FederatedStep,
    roundId: bigint,
    txHash: string,
    rawTx: string,
  ): Promise<void> {
    try {
      await this.rpc(() => this.provider.broadcastTransaction(rawTx));
    } catch (error) {
      const e = error as { message?: string; error?: { code?: number; message?: string } };
      const message = `${String(e.message)} ${String(e.error?.message ?? "")}`;
      if (/already known|known transaction|already imported/i.test(message)) return;
      if (await this.rpc(() => this.provider.getTransactionReceipt(txHash))) return; // mined before the crash
      if (/nonce too low|nonce has already been used/i.test(message)) {
        journal.federated.abandoned(step, roundId, "its account nonce was used by another transaction");
        throw new FederatedCallError(
          CALL_OF[step],
          "its account nonce was used by another transaction: run the command again to sign afresh",
        );
      }
      if (e.error?.code === 3 || /revert/i.test(message)) {
        const reason = decodeRevert(error, this.contract.interface);
        journal.federated.abandoned(step, roundId, `refused at submission: ${reason}`);
        throw new FederatedCallError(CALL_OF[step], reason);
      }
      throw error;
    }
  }

  private async confirm(journal: Journal, step: FederatedStep, roundId: bigint, txHash: string): Promise<SendOutcome> {
    const deadline = Date.now() + this.confirmTimeoutMs;
    for (;;) {
      const receipt = await this.rpc(() => this.provider.getTransactionReceipt(txHash));
      if (receipt) {
        const mined = { gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber };
        if (receipt.status !== 1) {
          journal.federated.confirmed(step, roundId, txHash, "reverted", mined);
          throw new FederatedCallError(
            CALL_OF[step],
            "reverted on-chain after passing simulation (the round changed in between)",
            txHash,
          );
        }
        journal.federated.confirmed(step, roundId, txHash, "executed", mined);
        return { txHash, ...mined, already: false };
      }
      if (Date.now() >= deadline) {
        throw new FederatedPendingError(
          `${CALL_OF[step]} of round ${roundId} (tx ${txHash}) is not mined after ${this.confirmTimeoutMs / 1000} s: it stays journaled; run the same command again to wait for it (the same signed bytes are re-sent, never new ones)`,
        );
      }
      await new Promise((r) => setTimeout(r, this.receiptPollMs));
    }
  }
}
