import { AgentError, PreflightError, RpcUnavailableError } from "./errors.ts";
import { isTransient } from "./chain/retry.ts";

/** ethers' error shape: a code and a message without its appended details. */
interface EthersError {
  code?: string;
  shortMessage?: string;
  message?: string;
}

/**
 * The error an operator should see for `error`, which escaped a command: the AgentError itself,
 * or the typed error an ethers failure means (a node that cannot be reached; a call to an address
 * that is not the contract the command expects); undefined for anything else, which is a bug and
 * keeps its stack trace.
 */
export function operatorError(error: unknown): AgentError | undefined {
  if (error instanceof AgentError) return error;
  const e = error as EthersError;
  const detail = e?.shortMessage ?? e?.message ?? String(error);
  if (isTransient(error)) {
    return new RpcUnavailableError(`the node did not answer (${detail}): check that it is running and the RPC URL`);
  }
  if (e?.code === "UNSUPPORTED_OPERATION" && /unsupported protocol/.test(detail)) {
    return new RpcUnavailableError(`${detail}: the RPC URL must start with http:// or https://`);
  }
  if (e?.code === "CALL_EXCEPTION" || e?.code === "BAD_DATA") {
    return new PreflightError(
      `a contract call failed (${detail}): check that each address given is the contract the command expects, on this chain`,
    );
  }
  return undefined;
}
