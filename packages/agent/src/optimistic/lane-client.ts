import { OptimisticLane__factory, type OptimisticLane } from "@zkagent/contracts/typechain";
import { AbiCoder, Contract, Interface, ZeroAddress, keccak256, type Provider } from "ethers";

import { decodeRevert } from "../chain/decode-error.ts";
import { DEFAULT_RETRY, withRetry, type RetryOptions } from "../chain/retry.ts";
import type { AgentSigner } from "../chain/signer.ts";
import { LaneCallError, PreflightError } from "../errors.ts";
import type { StoredClaim, StoredProof } from "../journal/events.ts";

/** The lane's claim states (OptimisticLane.claimState). */
export const LANE_CLAIM_STATES = ["none", "open", "challenged", "settled", "slashed"] as const;
export type LaneClaimState = (typeof LANE_CLAIM_STATES)[number];

/** An agent's bond for one vault, as the lane holds it, with what it may withdraw now. */
export interface BondAccount {
  total: bigint;
  /** The sum of the worst losses of its unsettled claims. */
  locked: bigint;
  /** Unsettled claims. */
  pending: number;
  slashed: boolean;
  withdrawable: bigint;
}

/** The lane's fixed parameters (immutables: read once). */
export interface LaneParameters {
  challengeWindow: bigint;
  responseWindow: bigint;
  challengeBond: bigint;
  slashReward: bigint;
  maxPendingClaims: number;
  bondToken: string;
  decimals: number;
  symbol: string;
}

/** A claim's ClaimOpened log: its fields, the public signals, and the trade that opened it. */
export interface OpenedClaim {
  claimId: string;
  claim: StoredClaim;
  publicSignals: bigint[];
  txHash: string;
  blockNumber: number;
}

const ERC20_ABI = new Interface([
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address, address) view returns (uint256)",
  "function approve(address, uint256) returns (bool)",
]);

const TRADER_LANE_ABI = ["function optimisticLane() view returns (address)"];

/** OptimisticLane.claimIdOf, computed locally: keccak256(abi.encode(trader, agent, uint32 nonce)). */
export function claimIdOf(trader: string, agent: string, nonce: bigint): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "address", "uint32"], [trader, agent, nonce]));
}

/** A claim as the lane's calls take it (numbers as bigints). */
export function claimArgument(claim: StoredClaim): OptimisticLane.ClaimStruct {
  return {
    trader: claim.trader,
    agent: claim.agent,
    nonce: BigInt(claim.nonce),
    signalsHash: claim.signalsHash,
    verifier: claim.verifier,
    worstLoss: BigInt(claim.worstLoss),
    challengeDeadline: BigInt(claim.challengeDeadline),
  };
}

export function storedClaimOf(claim: OptimisticLane.ClaimStructOutput): StoredClaim {
  return {
    trader: claim.trader,
    agent: claim.agent,
    nonce: claim.nonce.toString(),
    signalsHash: claim.signalsHash,
    verifier: claim.verifier,
    worstLoss: claim.worstLoss.toString(),
    challengeDeadline: claim.challengeDeadline.toString(),
  };
}

const proofArgument = (proof: StoredProof) => ({
  a: proof.a.map(BigInt) as [bigint, bigint],
  b: proof.b.map((pair) => pair.map(BigInt)) as [[bigint, bigint], [bigint, bigint]],
  c: proof.c.map(BigInt) as [bigint, bigint],
});

const signalsArgument = (signals: readonly (string | bigint)[]) =>
  signals.map(BigInt) as [bigint, bigint, bigint, bigint, bigint];

/**
 * One agent's view of its vault's OptimisticLane: its bond, its claims' states and logs, and the
 * lane transactions it sends (answer a challenge, settle early, finalise, bond). Every transaction
 * is simulated first: a call that would revert is refused here with the lane's decoded error
 * (LaneCallError) and nothing is sent. Reads go through the retry layer; sends are not retried
 * blindly (the lane's state says on the next pass whether one landed).
 */
export class LaneClient {
  readonly lane: OptimisticLane;
  private parametersRead?: LaneParameters;

  private constructor(
    readonly address: string,
    readonly traderAddress: string,
    readonly agent: string,
    /** Signs the lane transactions; absent for a read-only view (`zkagent status`). */
    private readonly signer: AgentSigner | undefined,
    private readonly provider: Provider,
    readonly retry: RetryOptions,
  ) {
    this.lane = OptimisticLane__factory.connect(address, provider);
  }

  /** The trader's lane, or undefined while the vault's owner has not turned the optimistic path on. */
  static async of(
    traderAddress: string,
    agent: string,
    access: { signer: AgentSigner } | { provider: Provider },
    retry: RetryOptions = DEFAULT_RETRY,
  ): Promise<LaneClient | undefined> {
    const signer = "signer" in access ? access.signer : undefined;
    const provider = "signer" in access ? access.signer.provider : access.provider;
    if (!provider) throw new PreflightError("the agent's signer has no provider");
    const trader = new Contract(traderAddress, TRADER_LANE_ABI, provider);
    let address: string;
    try {
      address = await withRetry(() => trader.getFunction("optimisticLane")() as Promise<string>, retry);
    } catch (error) {
      if (error instanceof Error && error.name === "RpcUnavailableError") throw error;
      throw new PreflightError(`${traderAddress} has no optimistic path (no optimisticLane()): use path "verified"`);
    }
    return address === ZeroAddress ? undefined : new LaneClient(address, traderAddress, agent, signer, provider, retry);
  }

  private rpc<T>(operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.retry);
  }

  async parameters(): Promise<LaneParameters> {
    if (this.parametersRead) return this.parametersRead;
    const [challengeWindow, responseWindow, challengeBond, slashReward, maxPendingClaims, bondToken] =
      await Promise.all([
        this.rpc(() => this.lane.challengeWindow()),
        this.rpc(() => this.lane.responseWindow()),
        this.rpc(() => this.lane.challengeBond()),
        this.rpc(() => this.lane.slashReward()),
        this.rpc(() => this.lane.maxPendingClaims()),
        this.rpc(() => this.lane.bondToken()),
      ]);
    const token = new Contract(bondToken, ERC20_ABI, this.provider);
    const [decimals, symbol] = await Promise.all([
      this.rpc(() => token.getFunction("decimals")() as Promise<bigint>),
      this.rpc(() => token.getFunction("symbol")() as Promise<string>).catch(() => ""),
    ]);
    this.parametersRead = {
      challengeWindow,
      responseWindow,
      challengeBond,
      slashReward,
      maxPendingClaims: Number(maxPendingClaims),
      bondToken,
      decimals: Number(decimals),
      symbol,
    };
    return this.parametersRead;
  }

  async bond(): Promise<BondAccount> {
    const [account, withdrawable] = await Promise.all([
      this.rpc(() => this.lane.bondOf(this.traderAddress, this.agent)),
      this.rpc(() => this.lane.withdrawableBond(this.traderAddress, this.agent)),
    ]);
    return {
      total: account.total,
      locked: account.locked,
      pending: Number(account.pending),
      slashed: account.slashed,
      withdrawable,
    };
  }

  /** The claim id of this agent's trade at `nonce`. */
  claimIdOf(nonce: bigint): string {
    return claimIdOf(this.traderAddress, this.agent, nonce);
  }

  async claimState(claimId: string): Promise<{ state: LaneClaimState; challenger: string; responseDeadline: bigint }> {
    const [state, challenger, responseDeadline] = await this.rpc(() => this.lane.claimState(claimId));
    return { state: LANE_CLAIM_STATES[Number(state)] ?? "none", challenger, responseDeadline };
  }

  /** The ClaimOpened log of `claimId` (indexed: one getLogs over the range), if the chain holds it. */
  async opened(claimId: string, fromBlock = 0): Promise<OpenedClaim | undefined> {
    const [log] = await this.rpc(() => this.lane.queryFilter(this.lane.filters.ClaimOpened(claimId), fromBlock));
    if (!log) return undefined;
    return {
      claimId,
      claim: storedClaimOf(log.args.claim),
      publicSignals: log.args.publicSignals.map(BigInt),
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
    };
  }

  /** How a settled claim was settled, from the lane's logs. */
  async settlement(
    claimId: string,
    fromBlock = 0,
  ): Promise<{ how: "proven" | "finalized"; txHash: string; challenger?: string } | undefined> {
    const [proven] = await this.rpc(() => this.lane.queryFilter(this.lane.filters.ClaimProven(claimId), fromBlock));
    if (proven) {
      const challenger = proven.args.challenger;
      return { how: "proven", txHash: proven.transactionHash, ...(challenger !== ZeroAddress ? { challenger } : {}) };
    }
    const [finalized] = await this.rpc(() =>
      this.lane.queryFilter(this.lane.filters.ClaimFinalized(claimId), fromBlock),
    );
    return finalized ? { how: "finalized", txHash: finalized.transactionHash } : undefined;
  }

  /** The challenge of `claimId`, from its ClaimChallengedBy log. */
  async challenge(
    claimId: string,
    fromBlock = 0,
  ): Promise<{ challenger: string; responseDeadline: bigint } | undefined> {
    const [log] = await this.rpc(() => this.lane.queryFilter(this.lane.filters.ClaimChallengedBy(claimId), fromBlock));
    return log ? { challenger: log.args.challenger, responseDeadline: log.args.responseDeadline } : undefined;
  }

  /** The slash of `claimId`, from its AgentSlashed log. */
  async slashing(claimId: string, fromBlock = 0): Promise<string | undefined> {
    const [log] = await this.rpc(() => this.lane.queryFilter(this.lane.filters.AgentSlashed(claimId), fromBlock));
    return log?.transactionHash;
  }

  /** The chain's latest block time, in seconds: what the lane's deadlines are compared with. */
  async now(): Promise<bigint> {
    const block = await this.rpc(() => this.provider.getBlock("latest"));
    if (!block) throw new Error("the RPC returned no latest block");
    return BigInt(block.timestamp);
  }

  /** Answers a challenge (or settles one claim early) with its proof; returns the mined transaction's hash. */
  prove(claim: StoredClaim, proof: StoredProof, publicSignals: readonly string[]): Promise<string> {
    return this.send("prove", [claimArgument(claim), proofArgument(proof), signalsArgument(publicSignals)]);
  }

  /** Settles several claims with their proofs in one transaction. */
  proveMany(
    claims: readonly { claim: StoredClaim; proof: StoredProof; publicSignals: readonly string[] }[],
  ): Promise<string> {
    return this.send("proveMany", [
      claims.map((c) => claimArgument(c.claim)),
      claims.map((c) => proofArgument(c.proof)),
      claims.map((c) => signalsArgument(c.publicSignals)),
    ]);
  }

  /** Finalises an unchallenged claim whose window has passed (releases its lock). */
  finalize(claim: StoredClaim): Promise<string> {
    return this.send("finalize", [claimArgument(claim)]);
  }

  /** Finalises several such claims in one transaction (all or nothing). */
  finalizeMany(claims: readonly StoredClaim[]): Promise<string> {
    return this.send("finalizeMany", [claims.map(claimArgument)]);
  }

  /** Adds `amount` to the bond, approving the lane for the token first if need be. */
  async deposit(amount: bigint): Promise<string> {
    const { bondToken } = await this.parameters();
    const token = new Contract(bondToken, ERC20_ABI, this.provider);
    const allowance = (await this.rpc(() => token.getFunction("allowance")(this.agent, this.address))) as bigint;
    if (allowance < amount) {
      await this.sendData("approve", bondToken, ERC20_ABI.encodeFunctionData("approve", [this.address, amount]));
    }
    return this.send("depositBond", [this.traderAddress, amount]);
  }

  /** Withdraws free bond to `to`. */
  withdraw(amount: bigint, to: string): Promise<string> {
    return this.send("withdrawBond", [this.traderAddress, amount, to]);
  }

  /** The agent's balance of the bond token. */
  async tokenBalance(): Promise<bigint> {
    const { bondToken } = await this.parameters();
    const token = new Contract(bondToken, ERC20_ABI, this.provider);
    return this.rpc(() => token.getFunction("balanceOf")(this.agent) as Promise<bigint>);
  }

  private send(
    name: "prove" | "proveMany" | "finalize" | "finalizeMany" | "depositBond" | "withdrawBond",
    args: unknown[],
  ) {
    const laneInterface: Interface = this.lane.interface;
    return this.sendData(name, this.address, laneInterface.encodeFunctionData(name, args));
  }

  /** Simulates (a revert is decoded and nothing is sent), signs with the agent's signer, broadcasts and waits. */
  private async sendData(name: string, to: string, data: string): Promise<string> {
    if (!this.signer) throw new LaneCallError(name, "this lane view has no signer");
    const request = { to, data, from: this.agent };
    let gas: bigint;
    try {
      gas = await this.rpc(() => this.provider.estimateGas(request));
    } catch (error) {
      if (error instanceof Error && error.name === "RpcUnavailableError") throw error;
      throw new LaneCallError(name, decodeRevert(error, this.lane.interface));
    }
    const populated = await this.signer.populateTransaction({ ...request, gasLimit: (gas * 12n) / 10n });
    const rawTx = await this.signer.signTransaction(populated);
    const tx = await this.provider.broadcastTransaction(rawTx);
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) throw new LaneCallError(name, "reverted on-chain after simulation", tx.hash);
    return tx.hash;
  }
}
