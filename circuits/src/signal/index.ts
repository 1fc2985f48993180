export * from "./signal-values.ts";
export * from "./evaluate-signal.ts";
export * from "./signal-prover.ts";
