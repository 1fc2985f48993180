export * from "./agent.ts";
export * from "./cycle.ts";
export * from "./errors.ts";
export * from "./config.ts";
export * from "./log.ts";
export * from "./journal/journal.ts";
export * from "./journal/ledger.ts";
export * from "./journal/trade-lifecycle.ts";
export * from "./run-loop.ts";
export * from "./chain/fault-reporter.ts";
export * from "./chain/rpc-provider.ts";
export * from "./chain/assert-chain-id.ts";
export * from "./reconcile.ts";
export * from "./chain/trader-client.ts";
export * from "./chain/keys.ts";
export * from "./chain/signer.ts";
export * from "./chain/retry.ts";
export * from "./chain/decode-error.ts";
export * from "./market/read-window.ts";
export * from "./market/feed-abi.ts";
export * from "./model/tiny-model.ts";
export * from "./model/bundled-model.ts";
export * from "./model/model-file.ts";
export * from "./model/signal-model.ts";
export * from "./signal/grammar.ts";
export * from "./signal/parse-signal.ts";
export * from "./signal/prompt.ts";
export * from "./signal/to-trade.ts";
export * from "./audit/audit-trades.ts";
export * from "./audit/render-audit.ts";
export { loadProvenModelFile, type LoadedProvenModel } from "./model/proven/model-file.ts";
export { adviceOf } from "./proven-cycle.ts";
export * from "./audit/audit-records.ts";
export * from "./audit/record-findings.ts";
export * from "./audit/intelligence/index.ts";
export * from "./audit/history-of-chain.ts";
export * from "./audit/run-audit.ts";
export * from "./audit/audit-node.ts";
export * from "./audit/audit-progress.ts";
export * from "./audit/audit-findings.ts";
export { renderAuditHtml } from "./audit/audit-html.ts";
export * from "./disclosure/auditor-keys.ts";
export * from "./disclosure/decision-record.ts";
export * from "./disclosure/discloser.ts";
export * from "./disclosure/record-of-decision.ts";
export * from "./disclosure/record-store.ts";
export * from "./disclosure/seal-record.ts";
export * from "./governance/describe-call.ts";
export * from "./governance/timelock-operations.ts";
export * from "./governance/governance-watch.ts";
export {
  claimOfReceipt,
  watchClaims,
  type ClaimFields,
  type WatchOptions,
  type WatchReport,
  type WatchedClaim,
} from "./watch/claim-watcher.ts";
export { judgeClaim, type ClaimJudgement } from "./watch/judge-claim.ts";
export * from "./optimistic/worst-loss.ts";
export * from "./optimistic/lane-client.ts";
export * from "./optimistic/claim-keeper.ts";
export * from "./optimistic/optimistic-status.ts";
export * from "./audit/audit-claims.ts";
export { auditHub, type HubAuditReport, type AuditedPublication, type AuditedFollow } from "./audit/audit-hub.ts";
export { HubPublisher, type HubPathOptions, type HubCycleOutcome } from "./hub/hub-publisher.ts";
export { HubClient, type HubMarket, type HubSignal } from "./hub/hub-client.ts";
export { hubSignalOf } from "./hub/hub-signal-of.ts";
export { hubStatus, type HubStatus, type PublicationStatus } from "./hub/hub-status.ts";
export * from "./backtest/index.ts";
