import { Transaction, type Provider } from "ethers";

import type { PolicyProof, ProofSystem } from "@zkagent/circuits";
import { PlonkVerifierAdapter__factory, type PlonkVerifierAdapter } from "@zkagent/contracts/typechain";

import { PreflightError, TradeRevertedError } from "../errors.ts";
import { decodeRevert } from "./decode-error.ts";
import { withRetry, type RetryOptions } from "./retry.ts";
import type { AgentSigner } from "./signer.ts";
import type { TraderClient } from "./trader-client.ts";

/** What submitting a PLONK proof to the adapter did. */
export interface PlonkSubmission {
  /** "recorded": this agent's transaction verified it; "already": the signals were verified before (a copy, a retry). */
  status: "recorded" | "already";
  txHash?: string;
  gasUsed?: bigint;
}

/**
 * The agent's side of a PLONK deployment: the trader's active verifier of the agent's model kind
 * is a PlonkVerifierAdapter, and each trade's PLONK proof is submitted to it (verified and its
 * public signals recorded) before the trade, whose own verifier call then finds the record.
 */
export class PlonkAdapterClient {
  private constructor(
    readonly adapter: PlonkVerifierAdapter,
    readonly address: string,
    private readonly wallet: AgentSigner,
    private readonly retry: RetryOptions,
  ) {}

  /**
   * Preflight: the trader's active verifier of `kind` (0 attested, 1 proven) must be an adapter
   * when `proofSystem` is "plonk", and must not be one when it is "groth16" (each would make every
   * trade revert InvalidProof). Returns the client for "plonk", undefined for "groth16".
   */
  static async of(
    client: TraderClient,
    kind: 0 | 1,
    proofSystem: ProofSystem,
    retry: RetryOptions,
  ): Promise<PlonkAdapterClient | undefined> {
    const rpc = <T>(operation: () => Promise<T>) => withRetry(operation, retry);
    const verifier = await rpc(() => client.trader.verifierOf(kind));
    const adapter = PlonkVerifierAdapter__factory.connect(verifier, client.wallet);
    let plonkVerifier: string | undefined;
    try {
      plonkVerifier = await rpc(() => adapter.plonkVerifier());
    } catch {
      plonkVerifier = undefined; // a generated Groth16 verifier has no such function
    }
    const what = kind === 0 ? "attested-model (policy)" : "proven-model";
    if (proofSystem === "plonk" && !plonkVerifier) {
      throw new PreflightError(
        `proofSystem "plonk", but ${client.traderAddress}'s ${what} verifier ${verifier} is not a PlonkVerifierAdapter: use proofSystem "groth16", or ask the vault owner to rotate to the adapter (setVerifier through its timelock)`,
      );
    }
    if (proofSystem === "groth16" && plonkVerifier) {
      throw new PreflightError(
        `${client.traderAddress}'s ${what} verifier ${verifier} is a PlonkVerifierAdapter (PLONK verifier ${plonkVerifier}): set proofSystem "plonk"`,
      );
    }
    return plonkVerifier ? new PlonkAdapterClient(adapter, verifier, client.wallet, retry) : undefined;
  }

  private get provider(): Provider {
    return this.wallet.provider!;
  }

  private rpc<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.retry);
  }

  /**
   * Submits `proof`'s PLONK proof and waits for it to be mined; signals already recorded are not
   * sent again. A refusal in simulation (a bad proof, a signal out of the field) or on-chain is a
   * {@link TradeRevertedError} with the adapter's decoded error: nothing of the trade is sent then.
   */
  async submit(proof: PolicyProof, timeoutMs = 120_000): Promise<PlonkSubmission> {
    if (!proof.plonk) throw new Error("internal: a Groth16 proof sent to the PLONK adapter");
    const signals = [...proof.publicSignals] as [bigint, bigint, bigint, bigint, bigint];
    if (await this.rpc(() => this.adapter.isVerified(signals))) return { status: "already" };
    const data = this.adapter.interface.encodeFunctionData("submit", [proof.plonk.proof, signals]);
    const request = { to: this.address, data, from: this.wallet.address };
    let gas: bigint;
    try {
      gas = await this.rpc(() => this.provider.estimateGas(request));
    } catch (error) {
      if (error instanceof Error && error.name === "RpcUnavailableError") throw error;
      throw new TradeRevertedError(`PLONK adapter: ${decodeRevert(error, this.adapter.interface)}`);
    }
    const nonce = await this.rpc(() => this.provider.getTransactionCount(this.wallet.address, "pending"));
    const populated = await this.rpc(() =>
      this.wallet.populateTransaction({ ...request, nonce, gasLimit: (gas * 12n) / 10n }),
    );
    const rawTx = await this.wallet.signTransaction(populated);
    const txHash = Transaction.from(rawTx).hash!;
    await this.rpc(() => this.provider.broadcastTransaction(rawTx));
    const receipt = await this.rpc(() => this.provider.waitForTransaction(txHash, 1, timeoutMs));
    if (!receipt || receipt.status !== 1) {
      // Not the trade's transaction: no hash here, so the trade is journaled abandoned (not sent).
      throw new TradeRevertedError(`PLONK adapter: submit ${txHash} ${receipt ? "reverted" : "not mined in time"}`);
    }
    return { status: "recorded", txHash, gasUsed: receipt.gasUsed };
  }
}
