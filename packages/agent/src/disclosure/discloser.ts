import { activeAuditorKeys, type AuditorKey } from "./auditor-keys.ts";
import { decisionRecordOf, type DecisionTrace } from "./record-of-decision.ts";
import type { RecordStore } from "./record-store.ts";
import { sealRecord, type RecordHash } from "./seal-record.ts";
import { AgentError } from "../errors.ts";

export interface DisclosureOptions {
  /** Every auditor key, revoked ones included (they are skipped). */
  auditors: readonly AuditorKey[];
  store: RecordStore;
  /** Also record refusals (the pre-check's, or the policy turning the model's trade into HOLD). */
  refusals?: boolean;
}

/** Nothing to seal to: every configured auditor key is revoked. */
export class NoActiveAuditorError extends AgentError {
  override readonly name = "NoActiveAuditorError";
}

/**
 * The agent's side of selective disclosure: seals each decision record to the active auditor
 * keys and stores it before the trade that commits its hash is signed, so a sent trade never
 * lacks its record.
 */
export class Discloser {
  readonly recipients: AuditorKey[];

  constructor(private readonly options: DisclosureOptions) {
    this.recipients = activeAuditorKeys(options.auditors);
    if (this.recipients.length === 0) {
      throw new NoActiveAuditorError(
        "disclosure: every auditor key is revoked; add a new one (zkagent auditor-key new) or remove disclosure",
      );
    }
  }

  get recordsRefusals(): boolean {
    return this.options.refusals ?? false;
  }

  get store(): RecordStore {
    return this.options.store;
  }

  /** Seals and stores the record of `trace`; returns its hash (the address, and what the trade commits). */
  async disclose(trace: DecisionTrace): Promise<{ recordHash: RecordHash; bytes: number }> {
    const record = decisionRecordOf(
      trace,
      this.recipients.map((k) => k.id),
    );
    const { envelope, recordHash } = await sealRecord(record, this.recipients);
    await this.options.store.put(envelope);
    return { recordHash, bytes: envelope.length };
  }
}
