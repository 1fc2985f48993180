import { expect } from "chai";
import { network } from "hardhat";

import {
  DEFAULT_OPTIMISTIC_LANE,
  DeploySettingsError,
  localWorldNetworks,
  optimisticLaneSettingsOf,
} from "@zkagent/contracts/deploy";
import {
  deployedVerifiers,
  zkagentDeploymentModule,
  zkagentFederatedModule,
  zkagentHubModule,
  zkagentModule,
  zkagentOptimisticModule,
} from "@zkagent/contracts/ignition";
import { DecentralizedTrader__factory, OptimisticLane__factory } from "@zkagent/contracts/typechain";
import { ZeroAddress } from "ethers";

import { DeploySandbox } from "../helpers/deploy-sandbox.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
/** The localhost entry's timelock delay (packages/contracts/deploy/networks.ts). */
const LOCAL_DELAY = 60;

/** Every future id of an Ignition module and its submodules. */
function futureIds(module: { futures: Set<{ id: string }>; submodules: Set<unknown> }): string[] {
  const subs = [...module.submodules] as (typeof module)[];
  return [...new Set([...[...module.futures].map((f) => f.id), ...subs.flatMap(futureIds)])].sort();
}

interface LaneBlock {
  address: string;
  bondToken: string;
  on: boolean;
  turnOn?: { schedule: string; execute: string };
}

/** The --target, --function and --args of a printed `hardhat gov schedule …` command. */
function scheduleFlagsOf(command: string): { target: string; function: string; args: string } {
  const flag = (name: string) => new RegExp(`--${name} ('[^']*'|\\S+)`).exec(command)?.[1]?.replace(/^'|'$/g, "");
  return { target: flag("target")!, function: flag("function")!, args: flag("args")! };
}

describe("deploying the optimistic lane (`hardhat deploy --optimistic`)", function () {
  this.timeout(300_000);
  let sandbox: DeploySandbox;

  before(async () => {
    sandbox = await DeploySandbox.create(connection);
  });
  after(() => sandbox?.cleanUp());

  it("adds only the lane's future beside the core's, in any combination; without the flags the core module itself is deployed", () => {
    const governance = { deployer: ZeroAddress, proposers: [ZeroAddress], executors: [ZeroAddress] };
    const core = zkagentModule(governance);
    const coreIds = futureIds(core as never);
    const none = { federated: false, optimistic: false, hub: false };
    expect(zkagentDeploymentModule(core, none)).to.equal(core);
    const lane = futureIds(zkagentOptimisticModule(core) as never);
    expect(lane.filter((f) => !coreIds.includes(f))).to.deep.equal(["ZkagentOptimistic#OptimisticLane"]);
    expect(lane.filter((f) => coreIds.includes(f))).to.deep.equal(coreIds);
    // every part keeps its ids whatever it is combined with
    const all = futureIds(zkagentDeploymentModule(core, { federated: true, optimistic: true, hub: true }) as never);
    const parts = [zkagentFederatedModule(core), zkagentOptimisticModule(core), zkagentHubModule(core)];
    expect(all).to.deep.equal([...new Set(parts.flatMap((p) => futureIds(p as never)))].sort());
    // the lane verifies with the trader's own verifier: no ceremony is added
    expect(deployedVerifiers({ federated: false })).to.deep.equal(["PolicyVerifier", "ModelPolicyVerifier"]);
  });

  it("deploys a lane bonded in the quote token with the network's parameters, records it with its constructor arguments and leaves it off", async () => {
    const run = await sandbox.deploy("lane", { optimistic: true });
    expect(run.exitCode, run.output).to.equal(0);
    const record = sandbox.record();
    const laneAddress = record.contracts.OptimisticLane!.address;
    expect(record.contracts.OptimisticLane!.args).to.deep.equal([
      sandbox.market.usdc,
      "3600",
      "1800",
      "100000000",
      "50000000",
      "3",
    ]);
    expect(record.contracts.OptimisticLane!.tx).to.match(/^0x[0-9a-f]{64}$/);

    const lane = OptimisticLane__factory.connect(laneAddress, ethers.provider);
    const trader = DecentralizedTrader__factory.connect(record.contracts.DecentralizedTrader!.address, ethers.provider);
    expect(await lane.bondToken()).to.equal(sandbox.market.usdc);
    expect(await trader.quoteToken()).to.equal(sandbox.market.usdc);
    expect(await lane.challengeWindow()).to.equal(DEFAULT_OPTIMISTIC_LANE.challengeWindow);
    expect(await lane.responseWindow()).to.equal(DEFAULT_OPTIMISTIC_LANE.responseWindow);
    expect(await lane.challengeBond()).to.equal(DEFAULT_OPTIMISTIC_LANE.challengeBond);
    expect(await lane.slashReward()).to.equal(DEFAULT_OPTIMISTIC_LANE.slashReward);
    expect(await lane.maxPendingClaims()).to.equal(DEFAULT_OPTIMISTIC_LANE.maxPendingClaims);

    // off: the trader is the timelock's, so turning it on is a governed call, printed and recorded
    expect(await trader.optimisticLane()).to.equal(ZeroAddress);
    const block = record.optimisticLane as LaneBlock;
    expect(block.on).to.equal(false);
    const command = `npx pnpm hardhat gov schedule --network localhost --target trader --function setOptimisticLane --args '["${laneAddress}"]'`;
    expect(block.turnOn!.schedule).to.equal(command);
    expect(block.turnOn!.execute).to.match(/^npx pnpm hardhat gov execute --network localhost --id /);
    expect(run.output).to.include(`the optimistic lane ${laneAddress} is deployed but NOT on`);
    expect(run.output).to.include(command);
  });

  it("is turned on through the timelock with the printed command: schedule, wait out the delay, execute", async () => {
    const record = sandbox.record();
    const laneAddress = record.contracts.OptimisticLane!.address;
    const trader = DecentralizedTrader__factory.connect(record.contracts.DecentralizedTrader!.address, ethers.provider);
    const flags = scheduleFlagsOf((record.optimisticLane as LaneBlock).turnOn!.schedule);
    expect(flags).to.deep.equal({
      target: "trader",
      function: "setOptimisticLane",
      args: `["${laneAddress}"]`,
    });

    const scheduled = await sandbox.schedule(flags);
    expect(scheduled.exitCode, scheduled.output).to.equal(0);
    expect(scheduled.output).to.include(`trader.setOptimisticLane(`);
    const early = await sandbox.execute(scheduled.operationId!);
    expect(early.exitCode).to.equal(1);
    expect(early.output).to.match(/GovError: operation 0x[0-9a-f]{64} is not ready/);
    expect(await trader.optimisticLane()).to.equal(ZeroAddress);

    await networkHelpers.time.increase(LOCAL_DELAY);
    const executed = await sandbox.execute(scheduled.operationId!);
    expect(executed.exitCode, executed.output).to.equal(0);
    expect(await trader.optimisticLane()).to.equal(laneAddress);
  });

  it("sends no transaction when rerun with the same deployment id, and then records the lane as on", async () => {
    const before = sandbox.record();
    const sentBefore = await sandbox.sent();
    const run = await sandbox.deploy("lane", { optimistic: true });
    expect(run.exitCode, run.output).to.equal(0);
    expect(await sandbox.sent()).to.deep.equal(sentBefore);
    const after = sandbox.record();
    expect(after.contracts).to.deep.equal(before.contracts);
    expect((after.optimisticLane as LaneBlock).on).to.equal(true);
    expect((after.optimisticLane as LaneBlock).turnOn).to.equal(undefined);
    expect(run.output).to.include(`the optimistic lane ${after.contracts.OptimisticLane!.address} is on`);
  });

  it("refuses to write a record when the trader's lane is neither this lane nor none", async () => {
    const record = sandbox.record();
    const [deployer] = await ethers.getSigners();
    const other = await new OptimisticLane__factory(deployer!).deploy(sandbox.market.usdc, 3_600n, 1_800n, 1n, 0n, 1n);
    const scheduled = await sandbox.schedule({
      target: "trader",
      function: "setOptimisticLane",
      args: JSON.stringify([other.target]),
    });
    expect(scheduled.exitCode, scheduled.output).to.equal(0);
    await networkHelpers.time.increase(LOCAL_DELAY);
    expect((await sandbox.execute(scheduled.operationId!)).exitCode).to.equal(0);

    sandbox.dropRecord();
    const rerun = await sandbox.deploy("lane", { optimistic: true });
    expect(rerun.exitCode).to.equal(1);
    expect(rerun.output).to.include("the deployed governance is not what was asked for (no record written)");
    expect(rerun.output).to.include(
      `the trader's optimisticLane() is ${other.target}, neither this lane ${record.contracts.OptimisticLane!.address} nor none`,
    );
    expect(sandbox.hasRecord()).to.equal(false);
  });

  it("added to an existing deployment (same id), deploys only the lane: one transaction, the core's addresses unchanged", async () => {
    const first = await sandbox.deploy("core-then-lane");
    expect(first.exitCode, first.output).to.equal(0);
    const core = sandbox.record();
    expect(core.contracts.OptimisticLane).to.equal(undefined);
    expect(core.optimisticLane).to.equal(undefined);
    const sentBefore = await sandbox.sent();
    const added = await sandbox.deploy("core-then-lane", { optimistic: true });
    expect(added.exitCode, added.output).to.equal(0);
    expect((await sandbox.sent()).nonce).to.equal(sentBefore.nonce + 1);
    const withLane = sandbox.record();
    const { OptimisticLane, ...rest } = withLane.contracts;
    expect(rest).to.deep.equal(core.contracts);
    expect(OptimisticLane!.address).to.not.equal(ZeroAddress);
  });

  it("refuses a lane setting its constructor would refuse, naming the key, before sending anything", async () => {
    const localhost = localWorldNetworks.localhost!;
    const saved = localhost.optimisticLane;
    localhost.optimisticLane = { ...DEFAULT_OPTIMISTIC_LANE, challengeWindow: 60n };
    sandbox.dropRecord();
    const sentBefore = await sandbox.sent();
    try {
      const run = await sandbox.deploy("bad-lane", { optimistic: true });
      expect(run.exitCode).to.equal(1);
      expect(run.output).to.include(
        'DeployError: DeploySettingsError: network "localhost": optimisticLane.challengeWindow is 60n, but it must be a bigint from 600 to 4294967295',
      );
      expect(run.output).to.include("packages/contracts/deploy/networks.ts");
    } finally {
      localhost.optimisticLane = saved;
    }
    expect(await sandbox.sent()).to.deep.equal(sentBefore);
    expect(sandbox.hasRecord()).to.equal(false);
  });

  it("checks every lane parameter against the constructor's bounds, and fills what a network leaves out with the defaults", () => {
    expect(optimisticLaneSettingsOf("x", undefined)).to.deep.equal(DEFAULT_OPTIMISTIC_LANE);
    expect(optimisticLaneSettingsOf("x", { maxPendingClaims: 8n })).to.deep.equal({
      ...DEFAULT_OPTIMISTIC_LANE,
      maxPendingClaims: 8n,
    });
    const bad: [string, bigint][] = [
      ["challengeWindow", 599n],
      ["responseWindow", 2n ** 32n],
      ["challengeBond", 0n],
      ["slashReward", 2n ** 96n],
      ["maxPendingClaims", 0n],
      ["maxPendingClaims", 2n ** 16n],
    ];
    for (const [key, value] of bad) {
      expect(() => optimisticLaneSettingsOf("arbitrum", { [key]: value }), key)
        .to.throw(DeploySettingsError, `network "arbitrum": optimisticLane.${key} is ${value}n`)
        .with.property("name", "DeploySettingsError");
    }
    expect(() => optimisticLaneSettingsOf("arbitrum", { challengeBond: 100 as unknown as bigint })).to.throw(
      DeploySettingsError,
      "optimisticLane.challengeBond is 100, but it must be a bigint",
    );
  });
});
