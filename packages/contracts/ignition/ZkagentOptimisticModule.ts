import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import type { ZkagentCoreModule } from "./ZkagentModule.ts";

/**
 * The zkagent contracts and an optimistic lane (`hardhat deploy --optimistic`): `base` (the core
 * module, or a module around it, used as is: its futures and ids are those of a deployment without
 * the lane, so adding it to an existing deployment deploys only the lane) plus an OptimisticLane
 * bonded in the market's quote token. The lane has no owner: its parameters are immutable. It is
 * not turned on here: the trader is the timelock's, whose delay is already raised, so
 * `setOptimisticLane(lane)` is a governed call the deploy task prints (and the record names).
 */
export function zkagentOptimisticModule<Base extends ZkagentCoreModule>(base: Base) {
  return buildModule("ZkagentOptimistic", (m) => {
    const deployed = m.useModule(base) as Base["results"];
    const optimisticLane = m.contract("OptimisticLane", [
      m.getParameter<string>("bondToken"),
      m.getParameter<bigint>("challengeWindow"),
      m.getParameter<bigint>("responseWindow"),
      m.getParameter<bigint>("challengeBond"),
      m.getParameter<bigint>("slashReward"),
      m.getParameter<bigint>("maxPendingClaims"),
    ]);
    return { ...deployed, optimisticLane };
  });
}
