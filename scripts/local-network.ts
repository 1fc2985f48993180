/**
 * `pnpm local-network`: a local chain with everything an operator needs to try the agent, in
 * one command, kept running in the foreground until Ctrl-C:
 *
 * 1. starts `hardhat node` on 127.0.0.1 (port 8545: Hardhat's `localhost` network);
 * 2. deploys the world onto it (real Uniswap V3 bytecode, WETH9, a test USDC, Chainlink's mock
 *    ETH/USD and sequencer-uptime feeds, a WETH/USDC pool with liquidity), pushes the feed's first
 *    30 rounds of a seeded mean-reverting path, arbitrages the pool to the latest, and writes the
 *    world record deployments/localhost/world.json;
 * 3. deploys zkagent with the deployers' own task, `hardhat deploy --network localhost`, which
 *    reads its market from that world record and writes deployments/localhost/zkagent.json;
 * 4. registers and approves the bundled tiny model (and the shipped proven decision model), authorises a fresh agent key, gives it gas,
 *    and funds the vault with WETH and USDC, all as one operation of the timelock that owns the
 *    trader and governs the registry: scheduled, the chain's clock moved past the local delay
 *    (60 s, once), executed;
 * 5. writes local-agent/: agent.json, the agent's encrypted keystore, its password (local only),
 *    the model file, and a data directory for the journal;
 * 6. prints the commands to run the agent; with --move-every <s>, pushes a new round and
 *    arbitrages the pool to it every s seconds, so `zkagent run` has rounds to act on.
 *
 *   tsx scripts/local-network.ts [--port 8545] [--move-every 30] [--seed 7] [--out local-agent]
 *                                [--records deployments/localhost] [--deployment-id zkagent-localhost]
 *
 * Every key here is either Hardhat's public development key (deployer and timelock proposer and
 * executor, guardian, arbitrageur) or a throwaway one made for this chain: nothing here may hold
 * real funds.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

import { SHIPPED_DECISION_MODEL, loadProvenModelFile, modelHashOf, writeTinyModel } from "@zkagent/agent";
import { DecentralizedTrader__factory, ModelRegistry__factory } from "@zkagent/contracts/typechain";
import {
  addressBookOf,
  deployWorld,
  FEED_DECIMALS,
  hardhatWallet,
  movePoolToPrice,
  pushPrice,
  pushPrices,
  setSequencerStatus,
} from "@zkagent/contracts/world";
import { formatEther, formatUnits, JsonRpcProvider, parseEther, parseUnits, Wallet } from "ethers";

import { throughTimelock } from "./gov/through-timelock.ts";

import { meanRevertingPath } from "./demo/price-path.ts";
import { startHardhatNode, type HardhatNode } from "./lib/hardhat-node.ts";

const ROOT = resolve(import.meta.dirname, "..");
const HARDHAT = join(ROOT, "node_modules/.bin/hardhat");
const CHAIN_ID = 31337;
const WINDOW = 30; // the trader accepts a proof only over the feed's 30 latest rounds
const VAULT_WETH = parseEther("2");
const VAULT_USDC = parseUnits("10000", 6);
const AGENT_GAS = parseEther("10");
// Enough rounds for days of --move-every; the path is computed up front (a few ms).
const PATH_ROUNDS = 100_000;

class UsageError extends Error {
  override readonly name = "UsageError";
}

interface Options {
  port: number;
  moveEverySeconds: number;
  seed: number;
  out: string;
  records: string;
  deploymentId: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8545" },
      "move-every": { type: "string", default: "0" },
      seed: { type: "string", default: "7" },
      out: { type: "string", default: "local-agent" },
      records: { type: "string", default: "deployments/localhost" },
      "deployment-id": { type: "string", default: "zkagent-localhost" },
    },
  });
  const whole = (flag: string, text: string, min: number, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`);
    return value;
  };
  // The deployment id names a directory that is deleted first (a fresh chain has no deployment).
  if (!/^[A-Za-z0-9_-]+$/.test(values["deployment-id"]))
    throw new UsageError(`--deployment-id may hold letters, digits, _ and - only`);
  return {
    port: whole("port", values.port, 1, 65_535),
    moveEverySeconds: whole("move-every", values["move-every"], 0, 86_400),
    seed: whole("seed", values.seed, 0, 2 ** 31 - 1),
    out: resolve(values.out),
    records: resolve(values.records),
    deploymentId: values["deployment-id"],
  };
}

/** A path as the operator types it at the repository root. */
const shown = (path: string) => (path.startsWith(ROOT + "/") ? relative(ROOT, path) : path);
const usd = (price: bigint) => Number(formatUnits(price, FEED_DECIMALS)).toFixed(2);
const say = (line: string) => console.log(`local-network: ${line}`);

/**
 * The `node` an operator types at the repository root: their own if it is at least the project's
 * Node 22.13, else the one README command 1 installed. Asked with the PATH the operator's shell
 * has, not the one pnpm gave this process (node_modules/.bin first).
 */
function operatorNode(): string {
  const path = (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => !dir.includes("node_modules"))
    .join(":");
  const version = spawnSync("node", ["--version"], { encoding: "utf8", env: { ...process.env, PATH: path } });
  const [major = 0, minor = 0] = (version.stdout ?? "").trim().replace(/^v/, "").split(".").map(Number);
  if (major > 22 || (major === 22 && minor >= 13)) return "node";
  return existsSync(join(ROOT, "node_modules/.bin/node")) ? "./node_modules/.bin/node" : "node";
}

/** Runs a command with this terminal as its output; resolves with its exit code. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolveCode) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("close", (code) => resolveCode(code ?? 1));
  });
}

interface DeploymentRecord {
  contracts: Record<"DecentralizedTrader" | "ModelRegistry" | "WindowLog" | "TimelockController", { address: string }>;
}

async function main(options: Options): Promise<void> {
  // Ctrl-C is how this command ends: a clean stop, not a failure. Handled from the start, so that
  // a Ctrl-C while the node starts still stops it (it runs in its own process group).
  let stopping = false;
  let requestStop: (code: number) => void = () => {};
  const stopRequested = new Promise<number>((resolveStop) => (requestStop = resolveStop));
  const stop = (code: number) => {
    stopping = true;
    requestStop(code);
  };
  process.once("SIGINT", () => stop(0));
  process.once("SIGTERM", () => stop(0));

  const node = await startHardhatNode([], {}, { port: options.port });
  const provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 250;
  void stopRequested.then(async (code) => {
    provider.destroy();
    await node.stop();
    say(code === 0 ? "node stopped; the chain is gone" : "setup failed; node stopped");
    process.exit(code);
  });
  void node.exited.then((code) => {
    if (stopping) return;
    console.error(`local-network: hardhat node exited unexpectedly (code ${code})`);
    process.exit(1);
  });

  try {
    say(`hardhat node (chain ${CHAIN_ID}) on ${node.url}, pid ${node.pid}`);
    await setUp(options, node, provider, () => stopping);
  } catch (error) {
    if (stopping) return;
    console.error(`local-network: ${(error as Error).message}`);
    stop(1);
  }
}

async function setUp(options: Options, node: HardhatNode, provider: JsonRpcProvider, isStopping: () => boolean) {
  const { out, records } = options;
  const { url } = node;
  // Hardhat's public development accounts: #0 deploys and is the timelock's proposer and executor
  // (the timelock owns the vault and governs the registry); #3 is the guardian, who may pause.
  const deployer = hardhatWallet(0, provider);
  const guardian = hardhatWallet(3, provider);
  const arbitrageur = hardhatWallet(2, provider);
  const path = meanRevertingPath({ seed: options.seed, length: PATH_ROUNDS });

  say("deploying the world: Uniswap V3, WETH9, USDC, Chainlink mock feeds, a WETH/USDC pool");
  const world = await deployWorld(deployer, { initialPrice: path[0]! });
  await pushPrices(world.priceFeed, path.slice(1, WINDOW)); // round 1 is the feed's constructor answer
  await movePoolToPrice(world, arbitrageur, path[WINDOW - 1]!);
  // The L2 path runs here too: the (mock) sequencer has been up for two grace periods. Block
  // times follow the clock but for one jump past the timelock's delay below, so the oracle's max
  // age means what it says.
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  await setSequencerStatus(world.sequencerFeed, "up", now - 7_200n);
  const book = await addressBookOf(world, CHAIN_ID, "local hardhat node (pnpm local-network)");
  mkdirSync(records, { recursive: true });
  const worldRecord = join(records, "world.json");
  writeFileSync(worldRecord, `${JSON.stringify(book, null, 2)}\n`);
  say(`world record: ${shown(worldRecord)}`);

  // The deployers' own command. A fresh chain has no deployment: a journal kept from an earlier
  // chain would make Ignition believe its contracts exist.
  rmSync(join(ROOT, "deployments/ignition/deployments", options.deploymentId), { recursive: true, force: true });
  const deployArgs = [
    "deploy",
    "--network",
    "localhost",
    "--proposers",
    deployer.address,
    "--executors",
    deployer.address,
    "--guardian",
    guardian.address,
  ];
  say(`$ hardhat ${deployArgs.join(" ")}`);
  const deployed = await run(HARDHAT, [...deployArgs, "--deployment-id", options.deploymentId, "--out", records], {
    LOCALHOST_URL: url,
  });
  if (deployed !== 0) throw new Error(`hardhat deploy --network localhost failed (exit ${deployed})`);
  const recordPath = join(records, "zkagent.json");
  const record = JSON.parse(readFileSync(recordPath, "utf8")) as DeploymentRecord;
  const traderAddress = record.contracts.DecentralizedTrader.address;
  const trader = DecentralizedTrader__factory.connect(traderAddress, deployer);
  const registry = ModelRegistry__factory.connect(record.contracts.ModelRegistry.address, deployer);

  const timelockAddress = record.contracts.TimelockController.address;

  mkdirSync(out, { recursive: true });
  const modelPath = writeTinyModel(join(out, "tiny-model.gguf"));
  const modelHash = await modelHashOf(modelPath);
  // The shipped proven decision model too, so `"mode": "model"` and `"llm+model"` work as well.
  const provenCommitment = (await loadProvenModelFile(SHIPPED_DECISION_MODEL)).commitment;

  // A throwaway key made for this chain (not a public Hardhat key), kept the way an operator keeps
  // a real one: an encrypted keystore, its password in an environment variable.
  const agent = Wallet.createRandom();
  const password = randomBytes(16).toString("hex");
  const keystorePath = join(out, "agent-keystore.json");
  const passwordPath = join(out, "keystore-password.txt");
  writeFileSync(keystorePath, await agent.encrypt(password), { mode: 0o600 });
  writeFileSync(passwordPath, `${password}\n`, { mode: 0o600 });
  await (await deployer.sendTransaction({ to: agent.address, value: AGENT_GAS })).wait();
  // The vault's funds reach it from its owner, the timelock: it holds them, approves and deposits.
  await (await world.weth.deposit({ value: VAULT_WETH })).wait();
  await (await world.weth.transfer(timelockAddress, VAULT_WETH)).wait();
  await (await world.usdc.mint(timelockAddress, VAULT_USDC)).wait();
  const registryAddress = await registry.getAddress();
  const call = (target: string, data: string) => ({ target, data });
  const setup = await throughTimelock(deployer, provider, timelockAddress, [
    call(
      registryAddress,
      registry.interface.encodeFunctionData("register", [
        modelHash,
        "zkagent tiny stand-in",
        "1",
        "zkagent://tiny-model",
      ]),
    ),
    call(registryAddress, registry.interface.encodeFunctionData("approve", [modelHash])),
    call(
      registryAddress,
      registry.interface.encodeFunctionData("registerProven", [
        provenCommitment,
        "zkagent decision model v1",
        "1",
        "packages/agent/models",
      ]),
    ),
    call(registryAddress, registry.interface.encodeFunctionData("approve", [provenCommitment])),
    call(traderAddress, trader.interface.encodeFunctionData("setAgentAuthorization", [agent.address, true])),
    call(book.weth, world.weth.interface.encodeFunctionData("approve", [traderAddress, VAULT_WETH])),
    call(traderAddress, trader.interface.encodeFunctionData("deposit", [book.weth, VAULT_WETH])),
    call(book.usdc, world.usdc.interface.encodeFunctionData("approve", [traderAddress, VAULT_USDC])),
    call(traderAddress, trader.interface.encodeFunctionData("deposit", [book.usdc, VAULT_USDC])),
  ]);
  say(
    `setup through the timelock (operation ${setup.id}): scheduled, the chain's clock moved ${setup.delay} s past its delay, executed`,
  );

  // Journals name chain, trader and agent; the key is new every run, so an old chain's journals
  // are never read, only left behind: remove them.
  const dataDir = join(out, "data");
  mkdirSync(dataDir, { recursive: true });
  for (const name of readdirSync(dataDir))
    if (name.startsWith(`journal-${CHAIN_ID}-`)) rmSync(join(dataDir, name), { force: true });
  const configPath = join(out, "agent.json");
  const config = {
    rpcUrl: url,
    chainId: CHAIN_ID,
    traderAddress,
    // The world's QuoterV2: each trade's swap is quoted on the pool before it is proven.
    ...(book.quoterV2 ? { quoterAddress: book.quoterV2 } : {}),
    modelPath: "tiny-model.gguf",
    dataDir: "data",
    key: { keystorePath: "agent-keystore.json", passwordEnv: "ZKAGENT_KEYSTORE_PASSWORD" },
    // The tiny stand-in at temperature 0 gives one signal per window; sampled at 1 (the demo's
    // setting), its signals vary from round to round and some pass the policy.
    temperature: 1,
    intervalSeconds: 5,
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);

  const latestRound = await world.priceFeed.latestRound();
  const cli = `${operatorNode()} packages/agent/bin/zkagent.js`;
  console.log(`
local-network: ready. Running until Ctrl-C (which stops the node; the chain is not kept):
  chain     hardhat node, chain ${CHAIN_ID}, ${url} (pid ${node.pid}; Hardhat's public dev accounts)
  market    ETH/USD feed ${book.ethUsdFeed}: ${latestRound} rounds, latest ${usd(path[WINDOW - 1]!)} USD
            WETH/USDC pool ${await world.pool.getAddress()} (fee ${book.poolFee / 10_000} %) arbitraged to it
            ${options.moveEverySeconds > 0 ? `moves every ${options.moveEverySeconds} s: a new round, and the pool arbitraged to it` : "static: pass --move-every 30 to push a new round every 30 s"}
  zkagent   trader ${traderAddress}, registry ${await registry.getAddress()}, window log ${record.contracts.WindowLog.address}
            timelock ${timelockAddress} owns the trader and governs the registry (delay ${setup.delay} s;
            proposer and executor: Hardhat account #0; guardian, who may pause at once: #3)
            record ${shown(recordPath)}
  model     ${shown(modelPath)}, modelHash 0x${modelHash.toString(16).padStart(62, "0")}, registered and approved
  agent     ${agent.address} authorised, ${formatEther(AGENT_GAS)} ETH for gas
  vault     ${formatEther(VAULT_WETH)} WETH and ${formatUnits(VAULT_USDC, 6)} USDC
  governance  change something through the timelock, and see the agent wait for it:
            LOCALHOST_URL=${url} npx pnpm hardhat gov schedule --network localhost --record ${shown(recordPath)} --target trader --function setAgentAuthorization --args '["${agent.address}", false]' --yes
            LOCALHOST_URL=${url} npx pnpm hardhat gov list --network localhost --record ${shown(recordPath)}
  files     ${shown(configPath)}, ${shown(keystorePath)} (encrypted)
  password  ${shown(passwordPath)}
            LOCAL ONLY: a password in a plain file beside its keystore is fine for a throwaway key on a
            local chain, never for a key that holds real funds.

Next, in another terminal at the repository root:
  export ZKAGENT_KEYSTORE_PASSWORD=$(cat ${shown(passwordPath)})
  ${cli} once --config ${shown(configPath)}      # one cycle now
  ${cli} run --config ${shown(configPath)}       # a cycle on every new round, until Ctrl-C
  ${cli} status --config ${shown(configPath)}    # position, nonce, refusals, last trades
  ${cli} audit --rpc-url ${url} --trader ${traderAddress}
`);

  let next = WINDOW;
  while (options.moveEverySeconds > 0 && !isStopping() && next < path.length) {
    await new Promise((r) => setTimeout(r, options.moveEverySeconds * 1000));
    if (isStopping()) break;
    const price = path[next++]!;
    try {
      const round = await pushPrice(world.priceFeed, price);
      const reached = await movePoolToPrice(world, arbitrageur, price);
      say(`${new Date().toISOString()} round ${round}: ETH/USD ${usd(price)}, pool at ${usd(reached)}`);
    } catch (error) {
      if (!isStopping()) console.error(`local-network: moving the market failed: ${(error as Error).message}`);
    }
  }
}

try {
  await main(parseOptions());
} catch (error) {
  console.error(`local-network: ${(error as Error).message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
