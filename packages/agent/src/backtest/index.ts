export * from "./price-history.ts";
export * from "./generated-history.ts";
export * from "./backtest-chain.ts";
export * from "./backtest-figures.ts";
export * from "./backtest-state.ts";
export * from "./run-backtest.ts";
export * from "./session-report.ts";
export * from "./report-html.ts";
