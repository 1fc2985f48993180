import { expect } from "chai";
import { network } from "hardhat";

import { loadProvenModelFile } from "@zkagent/agent";
import {
  DEPLOYED_VERIFIERS,
  deployedVerifiers,
  zkagentFederatedModule,
  zkagentModule,
} from "@zkagent/contracts/ignition";
import {
  FederatedRound__factory,
  ModelRegistry__factory,
  TimelockController__factory,
} from "@zkagent/contracts/typechain";
import { ensurePoseidonHashers, marketOf } from "@zkagent/contracts/world";
import { ZeroHash, id } from "ethers";

import { ceremonyManifestsOf } from "../../scripts/deploy/ceremony-gate.ts";
import { TEST_DELAY } from "../helpers/governed-world.ts";
import { SEQUENCER_GRACE_PERIOD, TEST_LIMITS, TEST_POLICY } from "../helpers/trader-fixture.ts";
import { deployTestWorld } from "../helpers/world-fixture.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const SHIPPED = "packages/agent/models/decision-model-v1.json";

/** Every future id of an Ignition module and its submodules. */
function futureIds(module: { futures: Set<{ id: string }>; submodules: Set<unknown> }): string[] {
  const subs = [...module.submodules] as (typeof module)[];
  return [...[...module.futures].map((f) => f.id), ...subs.flatMap(futureIds)].sort();
}

describe("deploying federated training (`hardhat deploy --federated`, ZkagentFederatedModule)", function () {
  this.timeout(300_000);

  it("gates the aggregation verifiers' ceremonies when it deploys them, and only then", () => {
    expect(deployedVerifiers({ federated: false })).to.deep.equal([...DEPLOYED_VERIFIERS]);
    expect(ceremonyManifestsOf(deployedVerifiers({ federated: true }))).to.deep.equal([
      "circuits/ceremony/manifest.json",
      "circuits/ceremony/model/manifest.json",
      "circuits/ceremony/aggregation0/manifest.json",
      "circuits/ceremony/aggregation1/manifest.json",
    ]);
  });

  it("leaves a deployment without it exactly as before: the core's futures keep their ids, the federated ones are added beside them", () => {
    const governance = {
      deployer: ethers.ZeroAddress,
      proposers: [ethers.ZeroAddress],
      executors: [ethers.ZeroAddress],
    };
    const core = zkagentModule(governance);
    const coreIds = futureIds(core as never);
    expect(coreIds.every((f) => f.startsWith("Zkagent#"))).to.equal(true);
    const federatedIds = futureIds(zkagentFederatedModule(core) as never);
    expect(federatedIds.filter((f) => f.startsWith("Zkagent#"))).to.deep.equal(coreIds);
    expect(federatedIds.filter((f) => !f.startsWith("Zkagent#"))).to.deep.equal([
      "ZkagentFederated#AggregationVerifier0",
      "ZkagentFederated#AggregationVerifier1",
      "ZkagentFederated#FederatedRound",
    ]);
  });

  it("deploys FederatedRound owned by the timelock over the registry and the aggregation verifiers: rounds open only through the delay", async () => {
    const [deployer, proposer, executor, guardian, , stranger] = await ethers.getSigners();
    const world = await deployTestWorld(ethers);
    const hashers = await ensurePoseidonHashers(deployer!);
    const core = zkagentModule({
      deployer: deployer!.address,
      proposers: [proposer!.address],
      executors: [executor!.address],
    });
    const deployed = await connection.ignition.deploy(zkagentFederatedModule(core), {
      displayUi: false,
      parameters: {
        Zkagent: {
          minDelay: TEST_DELAY,
          guardian: guardian!.address,
          ...(await marketOf(world)),
          sequencerGracePeriod: SEQUENCER_GRACE_PERIOD,
          ...hashers,
          ...TEST_POLICY,
          ...TEST_LIMITS,
        },
      },
    });
    const timelock = TimelockController__factory.connect(await deployed.timelock.getAddress(), proposer!);
    const registry = ModelRegistry__factory.connect(await deployed.registry.getAddress(), deployer!);
    const rounds = FederatedRound__factory.connect(await deployed.federatedRound.getAddress(), stranger!);
    expect(await rounds.owner()).to.equal(await timelock.getAddress());
    expect(await rounds.modelRegistry()).to.equal(await registry.getAddress());
    expect(await rounds.chunk0Verifier()).to.equal(await deployed.aggregationVerifier0.getAddress());
    expect(await rounds.chunk1Verifier()).to.equal(await deployed.aggregationVerifier1.getAddress());

    // the shipped model registered and approved, then a round opened: one batch through the delay
    const { commitment } = await loadProvenModelFile(SHIPPED);
    const participants = (await ethers.getSigners()).slice(6, 10).map((s) => s.address) as [
      string,
      string,
      string,
      string,
    ];
    const deadline = BigInt(await networkHelpers.time.latest()) + 10n * TEST_DELAY;
    const open = [commitment, participants, deadline, 2_500n, 1_000n, 5_000n] as const;
    await expect(rounds.openRound(...open)).to.be.revertedWithCustomError(rounds, "OwnableUnauthorizedAccount");
    const targets = [await registry.getAddress(), await registry.getAddress(), await rounds.getAddress()];
    const payloads = [
      registry.interface.encodeFunctionData("registerProven", [
        commitment,
        "shipped",
        "1",
        "file://decision-model-v1.json",
      ]),
      registry.interface.encodeFunctionData("approve", [commitment]),
      rounds.interface.encodeFunctionData("openRound", [...open]),
    ];
    const salt = id("open the first federated round");
    await timelock.scheduleBatch(targets, [0n, 0n, 0n], payloads, ZeroHash, salt, TEST_DELAY);
    await expect(
      timelock.connect(executor!).executeBatch(targets, [0n, 0n, 0n], payloads, ZeroHash, salt),
    ).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
    await networkHelpers.time.increase(TEST_DELAY);
    await timelock.connect(executor!).executeBatch(targets, [0n, 0n, 0n], payloads, ZeroHash, salt);
    expect(await rounds.roundCount()).to.equal(1n);
    const round = await rounds.round(0n);
    expect([round.baseModel, round.minSampleCount, round.maxSampleCount]).to.deep.equal([commitment, 1_000n, 5_000n]);
  });
});
