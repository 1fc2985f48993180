import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, parseEther, parseUnits } from "ethers";

import { ensureTinyModel, modelHashOf } from "@zkagent/agent";
import {
  attachWorld,
  deployZkagent,
  hardhatWallet,
  marketOf,
  movePoolToPrice,
  pushPrices,
  type AddressBook,
  type World,
} from "@zkagent/contracts/world";
import { ModelRegistry__factory, type DecentralizedTrader } from "@zkagent/contracts/typechain";

import { seedFor as findSeed } from "../helpers/seed-for.ts";

const rpcUrl = process.env.E2E_RPC_URL;
const CLI = join(import.meta.dirname, "../../packages/agent/bin/zkagent.js");
// Hardhat's public development key #1: local chains only.
const AGENT_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const POLICY = {
  maxPosition: parseEther("2"),
  thresholdBps: 100n,
  maxSlippageBps: 100n,
  maxOracleAge: 3600n,
  poolFee: 3000n,
};
const PRICE = 3_000n * 10n ** 8n;
const BELOW = (PRICE * 98n) / 100n;

function cli(args: string[], env: Record<string, string> = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, ZKAGENT_PRIVATE_KEY: AGENT_KEY, ...env },
    timeout: 120_000,
  });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

describe(`end to end on a fork: the agent CLI as a child process, then the auditor (${rpcUrl ? "local fork" : "skipped"})`, function () {
  this.timeout(300_000);
  let provider: JsonRpcProvider;
  let world: World;
  let trader: DecentralizedTrader;
  let dataDir: string;
  let modelPath: string;
  let configPath: string;

  before(async function () {
    if (!rpcUrl || !process.env.ZKAGENT_ADDRESS_BOOK) {
      console.log(
        "      end to end: needs the local fork from `pnpm fork-suite` (a real chain would need funded accounts)",
      );
      this.skip();
    }
    // No response cache: ethers reuses identical answers for 250 ms, a stale nonce otherwise.
    provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const owner = hardhatWallet(0, provider);
    const book = JSON.parse(readFileSync(process.env.ZKAGENT_ADDRESS_BOOK!, "utf8")) as AddressBook;
    world = await attachWorld(book, owner);
    ({ trader } = await deployZkagent(owner, await marketOf(world), POLICY, {
      owner: owner.address,
      governor: owner.address,
    }));
    const registry = ModelRegistry__factory.connect(await trader.modelRegistry(), owner);

    dataDir = mkdtempSync(join(tmpdir(), "zkagent-e2e-"));
    modelPath = ensureTinyModel(dataDir);
    const modelHash = await modelHashOf(modelPath);
    await (await registry.register(modelHash, "tiny stand-in", "1", "zkagent://tiny-model")).wait();
    await (await registry.approve(modelHash)).wait();
    const agent = hardhatWallet(1, provider);
    await (await trader.setAgentAuthorization(agent.address, true)).wait();
    const traderAddress = await trader.getAddress();
    await (await world.weth.deposit({ value: parseEther("1") })).wait();
    await (await world.weth.approve(traderAddress, parseEther("1"))).wait();
    await (await trader.deposit(book.weth, parseEther("1"))).wait();
    await (await world.usdc.mint(owner.address, parseUnits("20000", 6))).wait();
    await (await world.usdc.approve(traderAddress, parseUnits("20000", 6))).wait();
    await (await trader.deposit(book.usdc, parseUnits("20000", 6))).wait();
    await provider.send("evm_increaseTime", [3601]); // the mock sequencer is up past its grace period
    await pushPrices(world.priceFeed, [...Array(29).fill(PRICE), BELOW]);
    await movePoolToPrice(world, hardhatWallet(2, provider), BELOW);
  });

  after(() => provider?.destroy());

  /** The seed for which the stand-in proposes what `wanted` accepts in the current market. */
  async function seedFor(wanted: (action: string, pct: number) => boolean): Promise<number> {
    const agent = hardhatWallet(1, provider).address;
    const [latest] = await world.priceFeed.latestRoundData();
    const prices: bigint[] = [];
    for (let r = latest - 29n; r <= latest; r++) prices.push((await world.priceFeed.getRoundData(r))[1]);
    const position = await trader.positionOf(agent);
    return findSeed(
      modelPath,
      { prices, position, maxPosition: POLICY.maxPosition, thresholdBps: POLICY.thresholdBps },
      wanted,
    );
  }

  function writeConfig(seed: number) {
    configPath = join(dataDir, "agent.json");
    const config = {
      rpcUrl,
      chainId: 31337,
      traderAddress: trader.target,
      dataDir,
      temperature: 1,
      seed,
      rpcRetries: 2,
    };
    writeFileSync(configPath, JSON.stringify(config, null, 2));
  }

  it("executes a compliant BUY through `zkagent once`, journaled", async () => {
    writeConfig(await seedFor((action, pct) => action === "BUY" && pct > 0));
    const result = cli(["once", "--config", configPath, "--json"]);
    expect(result.status, result.stderr).to.equal(0);
    const agent = hardhatWallet(1, provider).address;
    expect(await trader.nonceOf(agent)).to.equal(1n);
    expect(result.stderr).to.match(/"outcome":"executed"/);
  });

  it("refuses a non-compliant SELL through `zkagent once`: no transaction at all", async () => {
    const agent = hardhatWallet(1, provider).address;
    writeConfig(await seedFor((action, pct) => action === "SELL" && pct > 0));
    const accountNonce = await provider.getTransactionCount(agent);
    const result = cli(["once", "--config", configPath, "--json"]);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stderr).to.match(/"verdict":"refused"/);
    expect(await provider.getTransactionCount(agent)).to.equal(accountNonce);
    expect(await trader.nonceOf(agent)).to.equal(1n);
  });

  it("shows position, nonce, the refusal, the journal and its lock in `zkagent status`, with no key", () => {
    const agent = hardhatWallet(1, provider).address;
    const result = cli(["status", "--config", configPath, "--agent", agent, "--json"], { ZKAGENT_PRIVATE_KEY: "" });
    expect(result.status, result.stderr).to.equal(0);
    const status = JSON.parse(result.stdout) as {
      nonce: string;
      refusedByPolicy: number;
      lastTrades: unknown[];
      journal: { executedTrades: number; openSends: number };
      lock: { held: boolean };
    };
    expect(status.nonce).to.equal("1");
    expect(status.refusedByPolicy).to.equal(1);
    expect(status.lastTrades).to.have.length(1);
    expect(status.journal).to.include({ executedTrades: 1, openSends: 0 });
    expect(status.lock).to.include({ held: false });
  });

  it("audits the chain: every executed trade verifies, and only executed trades appear", () => {
    const result = cli(["audit", "--rpc-url", rpcUrl!, "--trader", String(trader.target), "--json"]);
    expect(result.status, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout) as {
      failures: number;
      verifierCodeMatches: boolean;
      trades: { verified: boolean; action: string }[];
    };
    expect(report.failures).to.equal(0);
    expect(report.verifierCodeMatches).to.equal(true);
    expect(report.trades.map((t) => [t.action, t.verified])).to.deep.equal([["BUY", true]]);
  });

  it("exits non-zero with a readable error for a config naming no contract", () => {
    const bad = join(dataDir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({ rpcUrl, chainId: 31337, traderAddress: "0x000000000000000000000000000000000000dEaD", dataDir }),
    );
    const result = cli(["once", "--config", bad]);
    expect(result.status).to.equal(2);
    expect(result.stderr).to.match(
      /^PreflightError: no contract at traderAddress 0x000000000000000000000000000000000000dEaD/m,
    );
  });
});
