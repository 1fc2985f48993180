import type { ContractRunner, Provider, TransactionLike, TransactionRequest } from "ethers";

/**
 * What the agent signs through: its address, the provider it reads the chain with, and the signing
 * of a transaction it has built (executeTrade on its trader, nothing else). The default is an
 * ethers `Wallet` decrypted from a keystore (see loadSigner). An external signer (a remote signer,
 * a KMS or an HSM, where the key never enters this process) extends ethers' `AbstractSigner` —
 * which supplies `populateTransaction` from the provider — implements `signTransaction` by asking
 * the device, exposes `address`, and is passed to `Agent.start({ wallet })`.
 */
export interface AgentSigner extends ContractRunner {
  readonly address: string;
  readonly provider: Provider | null;
  /** Fills chain id, fees and gas fields, as ethers' signers do. */
  populateTransaction(tx: TransactionRequest): Promise<TransactionLike<string>>;
  /** The signed, serialised transaction; the agent journals these bytes before it broadcasts them. */
  signTransaction(tx: TransactionRequest): Promise<string>;
}
