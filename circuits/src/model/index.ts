export * from "./model-spec.ts";
export * from "./features.ts";
export * from "./model-commitment.ts";
export * from "./evaluate-model.ts";
export * from "./model-prover.ts";
