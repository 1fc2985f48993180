/**
 * Typed errors of the agent. Every message says what went wrong and what to do; none carries a
 * stack trace to the operator (the CLI prints `name: message`).
 */
export class AgentError extends Error {
  override readonly name: string = "AgentError";
}

/** A config field is missing or invalid. */
export class ConfigError extends AgentError {
  override readonly name = "ConfigError";
}

/** The configured Groth16 prover cannot run on this machine (`prover: "native"` without its build). */
export class ProverUnavailableError extends AgentError {
  override readonly name = "ProverUnavailableError";
}

/** The model file is missing, unreadable or not a GGUF file. */
export class ModelFileError extends AgentError {
  override readonly name = "ModelFileError";
}

/** The model's output did not parse as a bounded signal. */
export class MalformedSignalError extends AgentError {
  override readonly name = "MalformedSignalError";
  constructor(
    readonly raw: string,
    reason: string,
  ) {
    super(`the model's output is not a valid signal (${reason}): ${JSON.stringify(raw.slice(0, 200))}`);
  }
}

/** The chain, contract or agent is not what the config says (checked before the first tick). */
export class PreflightError extends AgentError {
  override readonly name = "PreflightError";
}

/** The oracle's data cannot be used (missing rounds, stale, non-positive). */
export class MarketDataError extends AgentError {
  override readonly name: string = "MarketDataError";
}

/**
 * The feed has no window the chain would accept right now (a phase change less than a window ago,
 * a round with no data, an answer outside (0, 2^64)): not a fault; the agent holds and says why.
 */
export class WindowUnavailableError extends MarketDataError {
  override readonly name = "WindowUnavailableError";
}

/** A transaction reverted; `reason` is the decoded custom error. */
export class TradeRevertedError extends AgentError {
  override readonly name = "TradeRevertedError";
  constructor(
    readonly reason: string,
    readonly txHash?: string,
    /** The outcome is already in the journal. */
    readonly journaled = false,
    /** The receipt of a revert that was mined (it cost gas in that block). */
    readonly receipt?: { gasUsed: bigint; blockNumber: number },
  ) {
    super(`executeTrade reverted: ${reason}${txHash ? ` (tx ${txHash})` : ""}`);
  }
}

/** The RPC endpoint failed after every retry. */
export class RpcUnavailableError extends AgentError {
  override readonly name = "RpcUnavailableError";
}

/** The journal cannot be opened or read as it is (corrupt, from a newer zkagent, an import that fails its checks). */
export class JournalError extends AgentError {
  override readonly name: string = "JournalError";
}

/** The process holding a journal's lock, as it wrote itself down when it took the lock. */
export interface JournalHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** Another process holds the journal: two agents on one journal would both trade on the same nonces. */
export class JournalLockedError extends JournalError {
  override readonly name = "JournalLockedError";
  constructor(
    readonly path: string,
    readonly holder: JournalHolder | undefined,
  ) {
    super(
      `journal ${path} is in use by another zkagent process (${
        holder ? `pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}` : "it has not written its name yet"
      }): stop that agent first, or give this one its own dataDir`,
    );
  }
}

/**
 * A trade was asked to move to a state its lifecycle does not allow (signing a proof twice,
 * settling a transaction that was never signed, a second proof while a send is open). It is a bug
 * in the agent, never a market condition: nothing was written, and the run loop stops on it.
 */
export class IllegalTransitionError extends AgentError {
  override readonly name = "IllegalTransitionError";
  constructor(
    /** The trade, as the operator can find it in the journal. */
    readonly trade: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`journal: ${trade} cannot go from ${from} to ${to}; nothing was written (this is a bug in the agent)`);
  }
}

/**
 * A call to the optimistic lane would revert (found in simulation: nothing was sent) or reverted
 * on-chain; `reason` is the lane's decoded custom error.
 */
export class LaneCallError extends AgentError {
  override readonly name = "LaneCallError";
  constructor(
    readonly call: string,
    readonly reason: string,
    readonly txHash?: string,
  ) {
    super(`OptimisticLane.${call} ${txHash ? `reverted (tx ${txHash})` : "would revert; nothing was sent"}: ${reason}`);
  }
}
