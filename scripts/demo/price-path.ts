/** The demo's generated price path; it lives with the backtest runner in the agent package. */
export { meanRevertingPath, type PricePathOptions } from "@zkagent/agent";
