import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import type { ZkagentCoreModule } from "./ZkagentModule.ts";

/** The generated verifiers the hub module adds: the signal circuit for one, two and four markets. */
export const SIGNAL_VERIFIERS = ["SignalVerifier1", "SignalVerifier2", "SignalVerifier4"] as const;

/** The market counts the hub accepts proofs for, in SIGNAL_VERIFIERS' order (`setVerifier(k, …)`). */
export const SIGNAL_MARKET_COUNTS = [1n, 2n, 4n] as const;

/**
 * The zkagent contracts and the signal hub (`hardhat deploy --hub`): `base` (the core module, or a
 * module around it, used as is, so adding the hub to an existing deployment deploys only what
 * follows) plus the signal circuit's three generated verifiers, a SignalHub owned by the core's
 * timelock from its constructor on, over the core's registry, and a FollowBatcher (stateless; no
 * owner). The hub is deployed empty: listing the market (`addMarket(feed, windowLog)`) and setting
 * the three verifiers are owner-only, so they are one governed operation the deploy task writes
 * out (`hub-setup.json`) and reads back: the deployer never holds the hub, not even for a moment.
 */
export function zkagentHubModule<Base extends ZkagentCoreModule>(base: Base) {
  return buildModule("ZkagentHub", (m) => {
    const deployed = m.useModule(base) as Base["results"];
    const signalVerifier1 = m.contract(SIGNAL_VERIFIERS[0]);
    const signalVerifier2 = m.contract(SIGNAL_VERIFIERS[1]);
    const signalVerifier4 = m.contract(SIGNAL_VERIFIERS[2]);
    const signalHub = m.contract("SignalHub", [
      deployed.timelock,
      deployed.registry,
      m.getParameter<bigint>("maxOracleAge"),
    ]);
    const followBatcher = m.contract("FollowBatcher");
    return { ...deployed, signalVerifier1, signalVerifier2, signalVerifier4, signalHub, followBatcher };
  });
}
