import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { deployedVerifiers, zkagentModule } from "@zkagent/contracts/ignition";
import { DecentralizedTrader__factory, PlonkVerifierAdapter__factory } from "@zkagent/contracts/typechain";
import { marketOf } from "@zkagent/contracts/world";

import { ceremonyManifestsOf } from "../../scripts/deploy/ceremony-gate.ts";
import deployAction, { ceremonyFor, proofSystemOf } from "../../scripts/deploy/deploy-task.ts";
import { writeWorldBook } from "../helpers/deploy-sandbox.ts";
import { deployTestWorld } from "../helpers/world-fixture.ts";

const connection = await network.create();
const { ethers } = connection;
const ROOT = hre.config.paths.root;
const PLONK_VKEY = "circuits/ceremony/plonk/policy/verification_key.json";

/** Every future id of an Ignition module and its submodules. */
function futureIds(module: { futures: Set<{ id: string }>; submodules: Set<unknown> }): string[] {
  const subs = [...module.submodules] as (typeof module)[];
  return [...[...module.futures].map((f) => f.id), ...subs.flatMap(futureIds)].sort();
}

interface DeploymentRecord {
  proofSystem: string;
  verifierVkeySha256: string;
  contracts: Record<string, { address: string; args: unknown[] } | undefined>;
}

/**
 * Runs the deploy task's action on the in-process chain as the `localhost` network would (its
 * market from a world record beside the deployment record) and returns the record it wrote.
 */
async function deployThroughTask(proofSystem: string): Promise<DeploymentRecord> {
  const [deployer] = await ethers.getSigners();
  const market = await marketOf(await deployTestWorld(ethers));
  const outDir = mkdtempSync(join(tmpdir(), "zkagent-plonk-deploy-"));
  const ignitionDir = mkdtempSync(join(tmpdir(), "zkagent-plonk-ignition-"));
  try {
    writeWorldBook(outDir, market);
    const localHre = {
      globalOptions: { network: "localhost" },
      config: { paths: { root: ROOT, ignition: ignitionDir } },
      network: { create: async () => connection },
    } as unknown as HardhatRuntimeEnvironment;
    process.exitCode = undefined;
    await deployAction(
      {
        deploymentId: `proof-system-test-${Date.now()}`,
        out: outDir,
        allowUnsafeCeremony: false,
        federated: false,
        proofSystem,
        minDelay: "",
        proposers: deployer!.address,
        executors: deployer!.address,
        guardian: "none",
      },
      localHre,
    );
    expect(process.exitCode ?? 0, "the deploy task failed").to.equal(0);
    return JSON.parse(readFileSync(join(outDir, "zkagent.json"), "utf8")) as DeploymentRecord;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(ignitionDir, { recursive: true, force: true });
  }
}

describe("deploying with PLONK policy proofs (`hardhat deploy --proof-system plonk`)", function () {
  this.timeout(300_000);

  it("gates the PLONK manifest instead of the Groth16 policy ceremony; the proven-model verifier stays Groth16", () => {
    expect(ceremonyManifestsOf(deployedVerifiers({ federated: false, proofSystem: "plonk" }))).to.deep.equal([
      "circuits/ceremony/plonk/policy/manifest.json",
      "circuits/ceremony/model/manifest.json",
    ]);
    expect(deployedVerifiers({ federated: false })).to.deep.equal(
      deployedVerifiers({ federated: false, proofSystem: "groth16" }),
    );
    expect(proofSystemOf("")).to.equal("groth16");
    expect(() => proofSystemOf("fflonk")).to.throw(/--proof-system must be one of groth16, plonk \(got "fflonk"\)/);
  });

  it("replaces only the policy verifier's future: PlonkPolicyVerifier and the adapter, every other id as with Groth16", () => {
    const governance = {
      deployer: ethers.ZeroAddress,
      proposers: [ethers.ZeroAddress],
      executors: [ethers.ZeroAddress],
    };
    const groth16 = futureIds(zkagentModule(governance) as never);
    const plonk = futureIds(zkagentModule(governance, "plonk") as never);
    expect(groth16.filter((f) => !plonk.includes(f))).to.deep.equal(["Zkagent#PolicyVerifier"]);
    expect(plonk.filter((f) => !groth16.includes(f))).to.deep.equal([
      "Zkagent#PlonkPolicyVerifier",
      "Zkagent#PlonkVerifierAdapter",
    ]);
  });

  it("refuses the committed PLONK setup on a live network without the override: its phase 1 is not public", async () => {
    const verifiers = deployedVerifiers({ federated: false, proofSystem: "plonk" });
    let refusal: Error | undefined;
    await ceremonyFor("arbitrum", ROOT, false, verifiers).catch((error: Error) => (refusal = error));
    expect(refusal?.name).to.equal("DeployError");
    expect(refusal?.message).to.match(/refusing to deploy to arbitrum/);
    expect(refusal?.message).to.match(
      /circuits\/ceremony\/plonk\/policy\/manifest\.json: .*not a known public ceremony/,
    );
    // A PLONK setup has no phase 2: nothing is counted against it.
    expect(refusal?.message).not.to.match(/plonk\/policy\/manifest\.json: phase 2/);
    const overridden = await ceremonyFor("arbitrum", ROOT, true, verifiers);
    expect(overridden.overridden).to.equal(true);
    expect(overridden.problems.filter((p) => p.includes("plonk/policy"))).to.have.length(1);
  });

  it("wires an adapter in front of the deployed PlonkPolicyVerifier as the trader's verifier, and the record names both", async () => {
    const [deployer] = await ethers.getSigners();
    const record = await deployThroughTask("plonk");
    expect(record.proofSystem).to.equal("plonk");
    expect(record.contracts.PolicyVerifier).to.equal(undefined);
    const adapterAddress = record.contracts.PlonkVerifierAdapter!.address;
    const plonkAddress = record.contracts.PlonkPolicyVerifier!.address;
    expect(record.contracts.PlonkVerifierAdapter!.args).to.deep.equal([plonkAddress]);
    expect(record.verifierVkeySha256).to.equal(
      createHash("sha256")
        .update(readFileSync(join(ROOT, PLONK_VKEY)))
        .digest("hex"),
    );

    const trader = DecentralizedTrader__factory.connect(record.contracts.DecentralizedTrader!.address, deployer!);
    expect(await trader.verifierOf(0)).to.equal(adapterAddress);
    const adapter = PlonkVerifierAdapter__factory.connect(await trader.verifierOf(0), deployer!);
    expect(await adapter.plonkVerifier()).to.equal(plonkAddress);
    expect(await ethers.provider.getCode(plonkAddress)).to.not.equal("0x");
    // The proven-model verifier (kind 1) is the Groth16 ModelPolicyVerifier either way.
    expect(await trader.verifierOf(1)).to.equal(record.contracts.ModelPolicyVerifier!.address);
  });

  it("deploys the Groth16 PolicyVerifier by default, and the record says groth16", async () => {
    const [deployer] = await ethers.getSigners();
    const record = await deployThroughTask("");
    expect(record.proofSystem).to.equal("groth16");
    expect(record.contracts.PlonkVerifierAdapter).to.equal(undefined);
    const trader = DecentralizedTrader__factory.connect(record.contracts.DecentralizedTrader!.address, deployer!);
    expect(await trader.verifierOf(0)).to.equal(record.contracts.PolicyVerifier!.address);
  });
});
