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
  ) {
    super(`executeTrade reverted: ${reason}${txHash ? ` (tx ${txHash})` : ""}`);
  }
}

/** The RPC endpoint failed after every retry. */
export class RpcUnavailableError extends AgentError {
  override readonly name = "RpcUnavailableError";
}
