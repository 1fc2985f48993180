import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The zkagent contracts for one market: the generated PolicyVerifier, a ModelRegistry governed
 * by `governor`, the feed's WindowLog (over poseidon-solidity's shipped hashers, which the deploy
 * task places first), and a DecentralizedTrader owned by `owner`. Ignition journals every step,
 * so an interrupted deployment resumes where it stopped.
 */
export default buildModule("Zkagent", (m) => {
  const owner = m.getParameter<string>("owner");
  const governor = m.getParameter<string>("governor");

  const verifier = m.contract("PolicyVerifier");
  const modelVerifier = m.contract("ModelPolicyVerifier");
  const registry = m.contract("ModelRegistry", [governor]);
  const windowLog = m.contract("WindowLog", [
    m.getParameter<string>("priceFeed"),
    m.getParameter<string>("poseidonT3"),
    m.getParameter<string>("poseidonT6"),
  ]);
  const trader = m.contract("DecentralizedTrader", [
    owner,
    {
      baseToken: m.getParameter<string>("weth"),
      quoteToken: m.getParameter<string>("usdc"),
      swapRouter: m.getParameter<string>("swapRouter"),
      priceFeed: m.getParameter<string>("priceFeed"),
      sequencerUptimeFeed: m.getParameter<string>("sequencerUptimeFeed"),
      sequencerGracePeriod: m.getParameter<bigint>("sequencerGracePeriod"),
      modelRegistry: registry,
      verifier,
      modelVerifier,
      windowLog,
    },
    {
      maxPosition: m.getParameter<bigint>("maxPosition"),
      thresholdBps: m.getParameter<bigint>("thresholdBps"),
      maxSlippageBps: m.getParameter<bigint>("maxSlippageBps"),
      maxOracleAge: m.getParameter<bigint>("maxOracleAge"),
      poolFee: m.getParameter<bigint>("poolFee"),
    },
    {
      maxVaultPosition: m.getParameter<bigint>("maxVaultPosition"),
      maxNotionalPerAgentPerPeriod: m.getParameter<bigint>("maxNotionalPerAgentPerPeriod"),
      maxNotionalPerVaultPerPeriod: m.getParameter<bigint>("maxNotionalPerVaultPerPeriod"),
      period: m.getParameter<bigint>("period"),
      maxTradesPerAgentPerPeriod: m.getParameter<bigint>("maxTradesPerAgentPerPeriod"),
      maxTradesPerVaultPerPeriod: m.getParameter<bigint>("maxTradesPerVaultPerPeriod"),
      maxTradesPerBlock: m.getParameter<bigint>("maxTradesPerBlock"),
    },
  ]);
  return { verifier, modelVerifier, registry, windowLog, trader };
});
