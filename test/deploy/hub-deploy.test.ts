import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { DeploySettingsError, localWorldNetworks, signalHubSettingsOf } from "@zkagent/contracts/deploy";
import {
  DEPLOYED_VERIFIERS,
  deployedVerifiers,
  SIGNAL_VERIFIERS,
  zkagentHubModule,
  zkagentModule,
} from "@zkagent/contracts/ignition";
import { SignalHub__factory, TimelockController__factory } from "@zkagent/contracts/typechain";
import { ZeroAddress, ZeroHash, id } from "ethers";

import { ceremonyManifestsOf } from "../../scripts/deploy/ceremony-gate.ts";
import { ceremonyFor } from "../../scripts/deploy/deploy-task.ts";
import { DeploySandbox, type DeploymentRecord } from "../helpers/deploy-sandbox.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
/** The localhost entry's timelock delay and policy maxOracleAge (packages/contracts/deploy/networks.ts). */
const LOCAL_DELAY = 60;
const POLICY_MAX_ORACLE_AGE = 86_400n;
const HUB_CONTRACTS = ["FollowBatcher", "SignalHub", "SignalVerifier1", "SignalVerifier2", "SignalVerifier4"];

/** Every future id of an Ignition module and its submodules. */
function futureIds(module: { futures: Set<{ id: string }>; submodules: Set<unknown> }): string[] {
  const subs = [...module.submodules] as (typeof module)[];
  return [...new Set([...[...module.futures].map((f) => f.id), ...subs.flatMap(futureIds)])].sort();
}

interface HubBlock {
  address: string;
  owner: string;
  modelRegistry: string;
  maxOracleAge: string;
  market: { id: number; feed: string; windowLog: string };
  verifiers: Record<"1" | "2" | "4", string>;
  configured: boolean;
  setup?: { calls: { target: string; function: string; args: unknown[] }[]; batchFile: string; schedule: string };
  followBatcher: string;
}

const hubOf = (record: DeploymentRecord) => record.signalHub as HubBlock;

describe("deploying the signal hub (`hardhat deploy --hub`)", function () {
  this.timeout(300_000);
  let sandbox: DeploySandbox;

  before(async () => {
    sandbox = await DeploySandbox.create(connection);
  });
  after(() => sandbox?.cleanUp());

  it("gates the three signal verifiers' ceremonies when it deploys them, and only then", async () => {
    expect(deployedVerifiers({ federated: false })).to.deep.equal([...DEPLOYED_VERIFIERS]);
    expect(ceremonyManifestsOf(deployedVerifiers({ federated: false, hub: true }))).to.deep.equal([
      "circuits/ceremony/manifest.json",
      "circuits/ceremony/model/manifest.json",
      "circuits/ceremony/signal1/manifest.json",
      "circuits/ceremony/signal2/manifest.json",
      "circuits/ceremony/signal4/manifest.json",
    ]);
    let refusal: Error | undefined;
    await ceremonyFor(
      "arbitrum",
      hre.config.paths.root,
      false,
      deployedVerifiers({ federated: false, hub: true }),
    ).catch((error: Error) => (refusal = error));
    expect(refusal?.name).to.equal("DeployError");
    for (const circuit of ["signal1", "signal2", "signal4"])
      expect(refusal?.message).to.match(new RegExp(`circuits/ceremony/${circuit}/manifest\\.json: phase 2 has`));
  });

  it("adds only the hub's contracts beside the core's futures, whose ids stay as they are", () => {
    const core = zkagentModule({ deployer: ZeroAddress, proposers: [ZeroAddress], executors: [ZeroAddress] });
    const coreIds = futureIds(core as never);
    const ids = futureIds(zkagentHubModule(core) as never);
    expect(ids.filter((f) => coreIds.includes(f))).to.deep.equal(coreIds);
    expect(ids.filter((f) => !coreIds.includes(f))).to.deep.equal(HUB_CONTRACTS.map((c) => `ZkagentHub#${c}`));
    expect([...SIGNAL_VERIFIERS]).to.deep.equal(["SignalVerifier1", "SignalVerifier2", "SignalVerifier4"]);
  });

  it("deploys the hub owned by the timelock over the core's registry, empty, and writes its setup as one governed operation", async () => {
    const run = await sandbox.deploy("hub", { hub: true });
    expect(run.exitCode, run.output).to.equal(0);
    const record = sandbox.record();
    const { timelock } = record.governance;
    const registry = record.contracts.ModelRegistry!.address;
    const windowLog = record.contracts.WindowLog!.address;
    expect(record.contracts.SignalHub!.args).to.deep.equal([timelock, registry, String(POLICY_MAX_ORACLE_AGE)]);
    for (const name of ["SignalVerifier1", "SignalVerifier2", "SignalVerifier4", "FollowBatcher"]) {
      expect(record.contracts[name]!.args, name).to.deep.equal([]);
      expect(record.contracts[name]!.tx, name).to.match(/^0x[0-9a-f]{64}$/);
      expect(await ethers.provider.getCode(record.contracts[name]!.address), name).to.not.equal("0x");
    }
    expect(record.signalVerifierVkeySha256).to.have.length(3);

    const hub = SignalHub__factory.connect(record.contracts.SignalHub!.address, ethers.provider);
    expect(await hub.owner()).to.equal(timelock);
    expect(await hub.pendingOwner()).to.equal(ZeroAddress);
    expect(await hub.modelRegistry()).to.equal(registry);
    expect(await hub.maxOracleAge()).to.equal(POLICY_MAX_ORACLE_AGE);
    expect(await hub.marketCount()).to.equal(0n);
    for (const k of [1n, 2n, 4n]) expect(await hub.verifierOf(k)).to.equal(ZeroAddress);
    // the deployer never holds the hub
    const [deployer] = await ethers.getSigners();
    await expect(hub.connect(deployer!).addMarket(sandbox.market.priceFeed, windowLog)).to.be.revertedWithCustomError(
      hub,
      "OwnableUnauthorizedAccount",
    );

    const block = hubOf(record);
    expect(block.configured).to.equal(false);
    expect(block.market).to.deep.equal({ id: 0, feed: sandbox.market.priceFeed, windowLog });
    expect(block.verifiers).to.deep.equal({
      "1": record.contracts.SignalVerifier1!.address,
      "2": record.contracts.SignalVerifier2!.address,
      "4": record.contracts.SignalVerifier4!.address,
    });
    expect(block.followBatcher).to.equal(record.contracts.FollowBatcher!.address);
    const calls = [
      { target: hub.target, function: "addMarket(address,address)", args: [sandbox.market.priceFeed, windowLog] },
      { target: hub.target, function: "setVerifier(uint256,address)", args: [1, block.verifiers["1"]] },
      { target: hub.target, function: "setVerifier(uint256,address)", args: [2, block.verifiers["2"]] },
      { target: hub.target, function: "setVerifier(uint256,address)", args: [4, block.verifiers["4"]] },
    ];
    expect(block.setup!.calls).to.deep.equal(calls);
    expect(JSON.parse(readFileSync(join(sandbox.outDir, block.setup!.batchFile), "utf8"))).to.deep.equal(calls);
    expect(block.setup!.schedule).to.match(
      /^npx pnpm hardhat gov schedule --network localhost --batch \S*hub-setup\.json$/,
    );
    expect(run.output).to.include(`the signal hub ${hub.target} (owned by the timelock) is deployed EMPTY`);
    expect(run.output).to.include(block.setup!.schedule);
  });

  it("is set up through the timelock with the written batch; a rerun then records it set up and sends nothing", async () => {
    const record = sandbox.record();
    const block = hubOf(record);
    const hub = SignalHub__factory.connect(block.address, ethers.provider);
    const scheduled = await sandbox.schedule({ batch: join(sandbox.outDir, block.setup!.batchFile) });
    expect(scheduled.exitCode, scheduled.output).to.equal(0);
    // shown decoded before it is signed, the hub named from the record
    expect(scheduled.output).to.include(
      `hub.addMarket(feed: ${block.market.feed}, windowLog: ${block.market.windowLog})`,
    );
    expect(scheduled.output).to.include(`hub.setVerifier(marketCount_: 4, verifier: ${block.verifiers["4"]})`);
    expect(scheduled.output).not.to.include("unknown call");
    await networkHelpers.time.increase(LOCAL_DELAY);
    const executed = await sandbox.execute(scheduled.operationId!);
    expect(executed.exitCode, executed.output).to.equal(0);
    expect(await hub.marketCount()).to.equal(1n);
    const [feed, windowLog] = await hub.market(0n);
    expect([feed, windowLog]).to.deep.equal([block.market.feed, block.market.windowLog]);
    expect(await hub.verifierOf(1n)).to.equal(block.verifiers["1"]);
    expect(await hub.verifierOf(2n)).to.equal(block.verifiers["2"]);
    expect(await hub.verifierOf(4n)).to.equal(block.verifiers["4"]);

    const sentBefore = await sandbox.sent();
    const rerun = await sandbox.deploy("hub", { hub: true });
    expect(rerun.exitCode, rerun.output).to.equal(0);
    expect(await sandbox.sent()).to.deep.equal(sentBefore);
    const after = sandbox.record();
    expect(after.contracts).to.deep.equal(record.contracts);
    expect(hubOf(after).configured).to.equal(true);
    expect(hubOf(after).setup).to.equal(undefined);
    expect(rerun.output).to.include(`the signal hub ${block.address} is set up`);
  });

  it("names the hub as a governance target, and refuses a part this deployment does not have", async () => {
    const named = await sandbox.schedule({ target: "hub", function: "setVerifier", args: `["2", "${ZeroAddress}"]` });
    expect(named.exitCode, named.output).to.equal(0);
    expect(named.output).to.include(`hub.setVerifier(marketCount_: 2, verifier: ${ZeroAddress})`);
    const missing = await sandbox.schedule({ target: "lane", function: "finalize", args: "[]" });
    expect(missing.exitCode).to.not.equal(0);
    expect(missing.output).to.include("this deployment has no lane (deploy it with --optimistic)");
  });

  it("refuses to write a record for a hub set up otherwise than the deployment sets it up", async () => {
    const record = sandbox.record();
    const hub = SignalHub__factory.connect(hubOf(record).address, ethers.provider);
    // governance points the one-market proof at another verifier
    const [deployer] = await ethers.getSigners();
    const timelock = TimelockController__factory.connect(record.governance.timelock, deployer!);
    const payload = hub.interface.encodeFunctionData("setVerifier", [1n, record.contracts.SignalVerifier2!.address]);
    const salt = id("rotate the hub's one-market verifier");
    await timelock.schedule(hub.target, 0n, payload, ZeroHash, salt, LOCAL_DELAY);
    await networkHelpers.time.increase(LOCAL_DELAY);
    await timelock.execute(hub.target, 0n, payload, ZeroHash, salt);

    sandbox.dropRecord();
    const rerun = await sandbox.deploy("hub", { hub: true });
    expect(rerun.exitCode).to.equal(1);
    expect(rerun.output).to.include("the deployed governance is not what was asked for (no record written)");
    expect(rerun.output).to.include(
      `SignalHub is neither empty nor set up as this deployment sets it up: verifierOf(1) is ${record.contracts.SignalVerifier2!.address}, not ${record.contracts.SignalVerifier1!.address}`,
    );
    expect(sandbox.hasRecord()).to.equal(false);
  });

  it("combines with --optimistic, --federated and --proof-system plonk; added to an existing deployment it deploys only its five contracts", async () => {
    const first = await sandbox.deploy("all", { optimistic: true, federated: true, proofSystem: "plonk" });
    expect(first.exitCode, first.output).to.equal(0);
    const before = sandbox.record();
    const sentBefore = await sandbox.sent();
    const added = await sandbox.deploy("all", { optimistic: true, federated: true, proofSystem: "plonk", hub: true });
    expect(added.exitCode, added.output).to.equal(0);
    expect((await sandbox.sent()).nonce).to.equal(sentBefore.nonce + HUB_CONTRACTS.length);
    const after = sandbox.record();
    const kept = Object.fromEntries(Object.entries(after.contracts).filter(([name]) => !HUB_CONTRACTS.includes(name)));
    expect(kept).to.deep.equal(before.contracts);
    expect(
      Object.keys(after.contracts)
        .filter((name) => !(name in before.contracts))
        .sort(),
    ).to.deep.equal(HUB_CONTRACTS);
    for (const name of ["PlonkVerifierAdapter", "FederatedRound", "OptimisticLane", "SignalHub"])
      expect(after.contracts[name], name).to.not.equal(undefined);
    expect(after.proofSystem).to.equal("plonk");
    expect(hubOf(after).configured).to.equal(false);
    expect((after.optimisticLane as { on: boolean }).on).to.equal(false);
  });

  it("refuses a hub setting that makes no sense, naming the key, before sending anything", async () => {
    const localhost = localWorldNetworks.localhost!;
    localhost.signalHub = { maxOracleAge: 0n };
    sandbox.dropRecord();
    const sentBefore = await sandbox.sent();
    try {
      const run = await sandbox.deploy("bad-hub", { hub: true });
      expect(run.exitCode).to.equal(1);
      expect(run.output).to.include(
        'DeployError: DeploySettingsError: network "localhost": signalHub.maxOracleAge is 0n, but it must be a bigint from 1',
      );
    } finally {
      delete localhost.signalHub;
    }
    expect(await sandbox.sent()).to.deep.equal(sentBefore);
    expect(sandbox.hasRecord()).to.equal(false);
    // what a network leaves out: the policy's age
    expect(signalHubSettingsOf("x", undefined, 3_600n)).to.deep.equal({ maxOracleAge: 3_600n });
    expect(signalHubSettingsOf("x", { maxOracleAge: 120n }, 3_600n)).to.deep.equal({ maxOracleAge: 120n });
    expect(() => signalHubSettingsOf("x", { maxOracleAge: -1n }, 3_600n)).to.throw(DeploySettingsError);
  });
});
