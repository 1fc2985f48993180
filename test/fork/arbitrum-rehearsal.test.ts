import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, ZeroAddress, parseUnits } from "ethers";

import { ensureTinyModel, loadProvenModelFile, modelHashOf, SHIPPED_DECISION_MODEL } from "@zkagent/agent";
import { Action, evaluateModel } from "@zkagent/circuits";
import {
  DecentralizedTrader__factory,
  FederatedRound__factory,
  ModelRegistry__factory,
  SignalHub__factory,
} from "@zkagent/contracts/typechain";
import { deployNetworks } from "@zkagent/contracts/deploy";
import {
  attachWorld,
  canonicalAddressBooks,
  hardhatWallet,
  movePoolToPrice,
  pushPrices,
  setSequencerStatus,
  type AddressBook,
} from "@zkagent/contracts/world";

import { adviserSeedFor, compliantBuy, seedFor } from "../helpers/seed-for.ts";
import { stageCanonical } from "./stage-canonical.ts";

const rpcUrl = process.env.ARBITRUM_REHEARSAL_RPC_URL;
const ROOT = join(import.meta.dirname, "../..");
const HARDHAT = join(ROOT, "node_modules/.bin/hardhat");
const CLI = join(ROOT, "packages/agent/bin/zkagent.js");
// Hardhat's public development keys #0 (deployer) and #1 (agent): local only. #4 is the timelock's
// proposer and executor, #3 the guardian.
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const AGENT_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const PRICE = 3_000n * 10n ** 8n;
const BELOW = (PRICE * 98n) / 100n;
/** Proven-model registry kind (IModelRegistry.ModelKind.Proven). */
const PROVEN = 1n;

describe(`\`hardhat deploy --network arbitrum\` against a local node playing Arbitrum One (${rpcUrl ? "chain 42161" : "skipped"})`, function () {
  this.timeout(300_000);
  const deploymentId = `rehearsal-${Date.now()}`;
  const out = mkdtempSync(join(tmpdir(), "zkagent-rehearsal-"));
  let provider: JsonRpcProvider;
  let book: AddressBook;
  /** The agent's data directory and its tiny model, from the first agent run on. */
  let dataDir: string;
  let modelPath: string;

  const deployEnv = (key = DEPLOYER_KEY) => ({
    ...process.env,
    ARBITRUM_RPC_URL: rpcUrl!,
    DEPLOYER_PRIVATE_KEY: key,
  });
  const governor = () => hardhatWallet(4, provider);
  /** `hardhat gov …` as the proposer and executor would run it. */
  const gov = (...args: string[]) =>
    spawnSync(HARDHAT, ["gov", ...args, "--network", "arbitrum", "--record", join(out, "zkagent.json")], {
      cwd: ROOT,
      encoding: "utf8",
      env: deployEnv(governor().privateKey),
      timeout: 120_000,
    });
  // The committed ceremony is single-party, so a live-network deployment needs the testnet override.
  const runDeploy = (override = true, extra: string[] = []) =>
    spawnSync(
      HARDHAT,
      [
        "deploy",
        "--network",
        "arbitrum",
        "--deployment-id",
        deploymentId,
        "--out",
        out,
        "--proposers",
        governor().address,
        "--executors",
        governor().address,
        "--guardian",
        hardhatWallet(3, provider).address,
        ...(override ? ["--allow-unsafe-ceremony"] : []),
        ...extra,
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: deployEnv(),
        timeout: 180_000,
      },
    );

  before(async function () {
    if (!rpcUrl) {
      console.log("      rehearsal: needs the chain-42161 node started by `pnpm fork-suite`");
      this.skip();
    }
    provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    book = { ...canonicalAddressBooks[42161]! };
    await stageCanonical(provider, hardhatWallet(0, provider), book, PRICE);
  });

  after(() => {
    provider?.destroy();
    rmSync(join(ROOT, "deployments/ignition/deployments", deploymentId), { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("refuses to deploy the committed single-party ceremony to a live network, saying why and what to do", () => {
    const result = runDeploy(false);
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(
      /DeployError: refusing to deploy to arbitrum: the committed ceremony cannot guard funds/,
    );
    expect(result.stderr).to.match(/not a known public ceremony/);
    expect(result.stderr).to.match(/1 contribution \(at least 2/);
    expect(result.stderr).to.match(/--allow-unsafe-ceremony on a testnet/);
    expect(existsSync(join(out, "zkagent.json"))).to.equal(false);
  });

  it("deploys with the Arbitrum config, wired to the canonical addresses, and writes the record", () => {
    const result = runDeploy();
    expect(result.status, result.stderr + result.stdout).to.equal(0);
    expect(result.stderr).to.match(/!!! --allow-unsafe-ceremony/);
    const record = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    expect(record.ceremony.unsafeOverride).to.equal(true);
    expect(record.contracts.ModelPolicyVerifier.address).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect(record.chainId).to.equal(42161);
    expect(record.contracts.DecentralizedTrader.tx).to.match(/^0x[0-9a-f]{64}$/);
    expect(record.verifierVkeySha256).to.match(/^[0-9a-f]{64}$/);
    // Governed by the timelock, with the live network's delay; the deployer kept no role.
    expect(record.owner).to.equal(record.governance.timelock);
    expect(record.governor).to.equal(record.governance.timelock);
    expect(record.governance).to.include({
      minDelay: String(deployNetworks.arbitrum!.minDelay),
      guardian: hardhatWallet(3, provider).address,
      deployerRolesRevoked: true,
    });
    expect(record.deployedAtBlock).to.be.a("number");
  });

  it("reads back the wiring from the deployed trader", async () => {
    const record = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    const trader = DecentralizedTrader__factory.connect(record.contracts.DecentralizedTrader.address, provider);
    const config = deployNetworks.arbitrum!;
    expect([
      await trader.baseToken(),
      await trader.quoteToken(),
      await trader.uniswapFactory(),
      await trader.priceFeed(),
      await trader.sequencerUptimeFeed(),
    ]).to.deep.equal([config.weth, config.usdc, config.uniswapFactory, config.priceFeed, config.sequencerUptimeFeed]);
    expect(await trader.owner()).to.equal(record.governance.timelock);
    expect(await trader.guardian()).to.equal(hardhatWallet(3, provider).address);
  });

  it("resumes instead of redeploying when run again (Ignition's journal)", async () => {
    const before = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    const nonce = await provider.getTransactionCount(hardhatWallet(0, provider).address);
    const result = runDeploy();
    expect(result.status, result.stderr).to.equal(0);
    const after = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    expect(after.contracts.DecentralizedTrader.address).to.equal(before.contracts.DecentralizedTrader.address);
    expect(await provider.getTransactionCount(hardhatWallet(0, provider).address)).to.equal(nonce);
  });

  it("adds federated training to the same deployment with --federated: the core is resumed as it was, FederatedRound is the timelock's, and the gate covers the aggregation ceremonies", async () => {
    const before = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    const result = runDeploy(true, ["--federated"]);
    expect(result.status, result.stderr + result.stdout).to.equal(0);
    for (const chunk of ["aggregation0", "aggregation1"]) {
      expect(result.stderr).to.include(`circuits/ceremony/${chunk}/manifest.json: phase 2 has 1 contribution`);
    }
    const record = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    for (const name of [
      "PolicyVerifier",
      "ModelPolicyVerifier",
      "TimelockController",
      "ModelRegistry",
      "DecentralizedTrader",
    ]) {
      expect(record.contracts[name].address, name).to.equal(before.contracts[name].address);
    }
    const rounds = FederatedRound__factory.connect(record.contracts.FederatedRound.address, provider);
    expect(await rounds.owner()).to.equal(record.governance.timelock);
    expect(await rounds.modelRegistry()).to.equal(record.contracts.ModelRegistry.address);
    expect([await rounds.chunk0Verifier(), await rounds.chunk1Verifier()]).to.deep.equal([
      record.contracts.AggregationVerifier0.address,
      record.contracts.AggregationVerifier1.address,
    ]);
    expect(record.aggregationVerifierVkeySha256).to.have.length(2);
  });

  it("adds the optimistic lane and the signal hub with --optimistic --hub: the rest is resumed as it was, both wait for the governed operations the task writes, which the timelock then executes", async () => {
    const before = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    const result = runDeploy(true, ["--federated", "--optimistic", "--hub"]);
    expect(result.status, result.stderr + result.stdout).to.equal(0);
    for (const circuit of ["signal1", "signal2", "signal4"]) {
      expect(result.stderr).to.include(`circuits/ceremony/${circuit}/manifest.json: phase 2 has 1 contribution`);
    }
    const record = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    for (const name of Object.keys(before.contracts)) {
      expect(record.contracts[name].address, name).to.equal(before.contracts[name].address);
    }
    const lane = record.contracts.OptimisticLane.address as string;
    const hub = SignalHub__factory.connect(record.contracts.SignalHub.address, provider);
    const trader = DecentralizedTrader__factory.connect(record.contracts.DecentralizedTrader.address, provider);
    expect(record.optimisticLane.on).to.equal(false);
    expect(record.signalHub.configured).to.equal(false);
    expect(await trader.optimisticLane()).to.equal(ZeroAddress);
    expect(await hub.owner()).to.equal(record.governance.timelock);
    expect(await hub.marketCount()).to.equal(0n);
    const feed = await trader.priceFeed();

    // The deployer's steps, as the task printed them: turn the lane on, run the hub's setup batch.
    const turnOn = gov(
      "schedule",
      "--target",
      "trader",
      "--function",
      "setOptimisticLane",
      "--args",
      `["${lane}"]`,
      "--yes",
    );
    expect(turnOn.status, turnOn.stderr + turnOn.stdout).to.equal(0);
    const setUp = gov("schedule", "--batch", join(out, record.signalHub.setup.batchFile), "--yes");
    expect(setUp.status, setUp.stderr + setUp.stdout).to.equal(0);
    expect(setUp.stdout).to.include(`hub.addMarket(feed: ${feed}, windowLog: ${record.contracts.WindowLog.address})`);
    await provider.send("evm_increaseTime", [`0x${deployNetworks.arbitrum!.minDelay.toString(16)}`]);
    await provider.send("evm_mine", []);
    for (const scheduled of [turnOn, setUp]) {
      const executed = gov("execute", "--id", /operation (0x[0-9a-f]{64})/.exec(scheduled.stdout)![1]!, "--yes");
      expect(executed.status, executed.stderr + executed.stdout).to.equal(0);
    }
    expect(await trader.optimisticLane()).to.equal(lane);
    expect([...(await hub.market(0n))]).to.deep.equal([feed, record.contracts.WindowLog.address]);
    expect(await hub.verifierOf(4n)).to.equal(record.contracts.SignalVerifier4.address);

    // A rerun sends nothing and records both as done.
    const nonce = await provider.getTransactionCount(hardhatWallet(0, provider).address);
    const rerun = runDeploy(true, ["--federated", "--optimistic", "--hub"]);
    expect(rerun.status, rerun.stderr + rerun.stdout).to.equal(0);
    expect(await provider.getTransactionCount(hardhatWallet(0, provider).address)).to.equal(nonce);
    const after = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    expect([after.optimisticLane.on, after.signalHub.configured]).to.deep.equal([true, true]);
  });

  it("runs the agent CLI and the auditor against the deployment", async () => {
    const record = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    const owner = hardhatWallet(0, provider);
    const trader = DecentralizedTrader__factory.connect(record.contracts.DecentralizedTrader.address, owner);
    const registry = ModelRegistry__factory.connect(record.contracts.ModelRegistry.address, owner);
    const world = await attachWorld(book, owner);
    dataDir = mkdtempSync(join(tmpdir(), "zkagent-rehearsal-agent-"));
    modelPath = ensureTinyModel(dataDir);
    const modelHash = await modelHashOf(modelPath);
    const agent = hardhatWallet(1, provider).address;
    // The whole governance flow, with the deployers' own commands: the timelock holds the vault's
    // USDC; one operation registers and approves the model, authorises the agent and deposits.
    await (await world.usdc.mint(record.governance.timelock, parseUnits("20000", 6))).wait();
    const batchPath = join(out, "setup.json");
    writeFileSync(
      batchPath,
      JSON.stringify([
        {
          target: "registry",
          function: "register",
          args: [modelHash.toString(), "tiny stand-in", "1", "zkagent://tiny-model"],
        },
        { target: "registry", function: "approve", args: [modelHash.toString()] },
        { target: "trader", function: "setAgentAuthorization", args: [agent, true] },
        { target: book.usdc, function: "approve(address,uint256)", args: [await trader.getAddress(), "20000000000"] },
        { target: "trader", function: "deposit", args: [book.usdc, "20000000000"] },
      ]),
    );
    const scheduled = gov("schedule", "--batch", batchPath, "--yes");
    expect(scheduled.status, scheduled.stderr + scheduled.stdout).to.equal(0);
    expect(scheduled.stdout).to.include(`trader.setAgentAuthorization(agent: ${agent}, authorized: true)`);
    const id = /operation (0x[0-9a-f]{64})/.exec(scheduled.stdout)![1]!;
    const listed = gov("list");
    expect(listed.stdout).to.match(new RegExp(`operation ${id}\n  state     waiting`));
    const early = gov("execute", "--id", id, "--yes");
    expect(early.status).to.equal(1);
    expect(early.stderr).to.match(/GovError: operation 0x[0-9a-f]{64} is not ready: executable from/);
    expect(await registry.isApproved(modelHash)).to.equal(false);
    await provider.send("evm_increaseTime", [`0x${deployNetworks.arbitrum!.minDelay.toString(16)}`]);
    await provider.send("evm_mine", []);
    const executed = gov("execute", "--id", id, "--yes");
    expect(executed.status, executed.stderr + executed.stdout).to.equal(0);
    expect(await registry.isApproved(modelHash)).to.equal(true);
    expect(await trader.isAuthorized(agent)).to.equal(true);
    const now = BigInt((await provider.getBlock("latest"))!.timestamp);
    await setSequencerStatus(world.sequencerFeed, "up", now - 7200n);
    await pushPrices(world.priceFeed, [...Array(29).fill(PRICE), BELOW]);
    await movePoolToPrice(world, hardhatWallet(2, provider), BELOW);

    const [latest] = await world.priceFeed.latestRoundData();
    const prices: bigint[] = [];
    for (let r = latest - 29n; r <= latest; r++) prices.push((await world.priceFeed.getRoundData(r))[1]);
    const policy = deployNetworks.arbitrum!.policy;
    const seed = await seedFor(
      modelPath,
      { prices, position: 0n, maxPosition: policy.maxPosition, thresholdBps: policy.thresholdBps },
      compliantBuy,
    );
    const configPath = join(dataDir, "agent.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        rpcUrl,
        chainId: 42161,
        traderAddress: await trader.getAddress(),
        dataDir,
        temperature: 1,
        seed,
      }),
    );

    const env = { ...process.env, ZKAGENT_PRIVATE_KEY: AGENT_KEY };
    const once = spawnSync(process.execPath, [CLI, "once", "--config", configPath, "--json"], {
      encoding: "utf8",
      env,
      timeout: 120_000,
    });
    expect(once.status, once.stderr).to.equal(0);
    expect(await trader.nonceOf(agent)).to.equal(1n);

    const audit = spawnSync(
      process.execPath,
      [CLI, "audit", "--rpc-url", rpcUrl!, "--trader", await trader.getAddress(), "--json"],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(audit.status, audit.stderr).to.equal(0);
    const report = JSON.parse(audit.stdout) as { failures: number; trades: { verified: boolean }[] };
    expect(report.trades.map((t) => t.verified)).to.deep.equal([true]);
  });

  it("registers the shipped proven model through the timelock, trades with it (mode llm+model), and the auditor re-verifies both trades", async () => {
    const record = JSON.parse(readFileSync(join(out, "zkagent.json"), "utf8"));
    const owner = hardhatWallet(0, provider);
    const trader = DecentralizedTrader__factory.connect(record.contracts.DecentralizedTrader.address, owner);
    const registry = ModelRegistry__factory.connect(record.contracts.ModelRegistry.address, owner);
    const world = await attachWorld(book, owner);
    const agent = hardhatWallet(1, provider).address;
    // The deployer's steps: the commitment `zkagent model commit` prints, registered as a proven
    // model and approved in one time-locked operation.
    const commit = spawnSync(process.execPath, [CLI, "model", "commit", SHIPPED_DECISION_MODEL], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(commit.status, commit.stderr).to.equal(0);
    const commitment = BigInt(/^decimal (\d+)$/m.exec(commit.stdout)![1]!);
    const shipped = await loadProvenModelFile(SHIPPED_DECISION_MODEL);
    expect(commitment).to.equal(shipped.commitment);
    const batchPath = join(out, "register-proven.json");
    writeFileSync(
      batchPath,
      JSON.stringify([
        {
          target: "registry",
          function: "registerProven",
          args: [
            commitment.toString(),
            "zkagent decision model v1",
            "1",
            "packages/agent/models/decision-model-v1.json",
          ],
        },
        { target: "registry", function: "approve", args: [commitment.toString()] },
      ]),
    );
    const scheduled = gov("schedule", "--batch", batchPath, "--yes");
    expect(scheduled.status, scheduled.stderr + scheduled.stdout).to.equal(0);
    expect(scheduled.stdout).to.include("registry.registerProven(");
    const id = /operation (0x[0-9a-f]{64})/.exec(scheduled.stdout)![1]!;
    expect([...(await registry.approval(commitment))]).to.deep.equal([false, 0n]);
    await provider.send("evm_increaseTime", [`0x${deployNetworks.arbitrum!.minDelay.toString(16)}`]);
    await provider.send("evm_mine", []);
    const executed = gov("execute", "--id", id, "--yes");
    expect(executed.status, executed.stderr + executed.stdout).to.equal(0);
    expect([...(await registry.approval(commitment))]).to.deep.equal([true, PROVEN]);

    // A new round further below the band, and the adviser's seed for which the shipped model BUYs.
    const lower = (PRICE * 97n) / 100n;
    await pushPrices(world.priceFeed, [lower]);
    await movePoolToPrice(world, hardhatWallet(2, provider), lower);
    const [latest] = await world.priceFeed.latestRoundData();
    const prices: bigint[] = [];
    for (let r = latest - 29n; r <= latest; r++) prices.push((await world.priceFeed.getRoundData(r))[1]);
    const policy = deployNetworks.arbitrum!.policy;
    const statement = {
      prices,
      position: await trader.positionOf(agent),
      maxPosition: policy.maxPosition,
      thresholdBps: policy.thresholdBps,
    };
    const { seed, advice } = await adviserSeedFor(
      modelPath,
      statement,
      (bias) => evaluateModel(shipped.model, { ...statement, advice: bias }).action === Action.BUY,
    );
    const decision = evaluateModel(shipped.model, { ...statement, advice });
    const configPath = join(dataDir, "agent-proven.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        rpcUrl,
        chainId: 42161,
        traderAddress: await trader.getAddress(),
        dataDir,
        mode: "llm+model",
        decisionModelPath: SHIPPED_DECISION_MODEL,
        temperature: 1,
        seed,
      }),
    );
    const once = spawnSync(process.execPath, [CLI, "once", "--config", configPath, "--json"], {
      encoding: "utf8",
      env: { ...process.env, ZKAGENT_PRIVATE_KEY: AGENT_KEY },
      timeout: 120_000,
    });
    expect(once.status, once.stderr).to.equal(0);
    expect(await trader.nonceOf(agent)).to.equal(2n);
    const [, proven] = await trader.queryFilter(trader.filters.TradeExecuted(agent));
    expect(proven!.args.modelHash).to.equal(commitment);
    expect(proven!.args.modelKind).to.equal(PROVEN);
    expect(proven!.args.size).to.equal(decision.size); // exactly the registered model's trade

    const audit = spawnSync(
      process.execPath,
      [CLI, "audit", "--rpc-url", rpcUrl!, "--trader", await trader.getAddress(), "--json"],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(audit.status, audit.stderr).to.equal(0);
    const report = JSON.parse(audit.stdout) as {
      failures: number;
      trades: { verified: boolean; modelKind: string; action: string }[];
    };
    expect(report.failures).to.equal(0);
    expect(report.trades.map((t) => [t.modelKind, t.action, t.verified])).to.deep.equal([
      ["attested", "BUY", true],
      ["proven", "BUY", true],
    ]);
  });
});
