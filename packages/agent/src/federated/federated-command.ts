/**
 * `zkagent fl open | train | submit | aggregate | status`: federated training of the proven model
 * for real operators (see README, "Federated training: operators (`zkagent fl`)"). A participant
 * trains locally from the round's base on its own data and commits its update (`train`, then
 * `submit`); the aggregator collects the participants' update files, proves FedAvg in both chunks
 * and finalises (`aggregate`); `status` reads the round from the chain and the caller's journal.
 * Every send is journaled as trades are (round-client.ts), in one journal per (chain,
 * FederatedRound, account).
 */
import type { Command } from "commander";

import { registerFlAggregate } from "./fl-aggregate.ts";
import { registerFlOpen } from "./fl-open.ts";
import { registerFlStatus } from "./fl-status.ts";
import { registerFlSubmit } from "./fl-submit.ts";
import { registerFlTrain } from "./fl-train.ts";

export function registerFederatedCommand(program: Command): void {
  const fl = program
    .command("fl")
    .description("federated training of the proven model: train and commit an update, aggregate with a proof, status");
  registerFlOpen(fl);
  registerFlTrain(fl);
  registerFlSubmit(fl);
  registerFlAggregate(fl);
  registerFlStatus(fl);
}
