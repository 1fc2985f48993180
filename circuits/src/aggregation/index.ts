export * from "./aggregation-spec.ts";
export * from "./aggregate.ts";
export * from "./aggregation-prover.ts";
