export * from "./deploy-world.ts";
export * from "./feeds.ts";
export * from "./arbitrage.ts";
export * from "./price-math.ts";
export { uniswapArtifacts } from "./uniswap-artifacts.ts";
export * from "./address-book.ts";
export * from "./deploy-zkagent.ts";
export * from "./local-accounts.ts";
