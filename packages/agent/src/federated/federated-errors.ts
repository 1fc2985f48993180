import { AgentError } from "../errors.ts";

/**
 * A federated round cannot take this step as asked (the round, the update file, the base model or
 * the caller is not what the step needs). Nothing was sent; the message says what to do.
 */
export class FederatedRoundError extends AgentError {
  override readonly name = "FederatedRoundError";
}

/**
 * A FederatedRound call was refused: in simulation (nothing was signed), at submission, or
 * on-chain. `reason` is the contract's decoded custom error; the journal records the attempt as
 * abandoned or reverted, so the next run starts a new one.
 */
export class FederatedCallError extends AgentError {
  override readonly name = "FederatedCallError";
  constructor(
    readonly call: string,
    readonly reason: string,
    readonly txHash?: string,
  ) {
    super(`FederatedRound.${call} ${txHash ? `reverted (tx ${txHash})` : "was refused; nothing was sent"}: ${reason}`);
  }
}

/** A signed call is not mined yet: it stays journaled, and the same command re-sends the same bytes. */
export class FederatedPendingError extends AgentError {
  override readonly name = "FederatedPendingError";
}
