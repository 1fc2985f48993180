export * from "./price-history.ts";
export * from "./generated-history.ts";
