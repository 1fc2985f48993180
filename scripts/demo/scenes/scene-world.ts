/**
 * What the demo's scenes build on the session's chain: vaults wired like the session's, the
 * publisher's attested model, and market moves that put the latest round where a scene needs it.
 */
import { modelHashOf } from "@zkagent/agent";
import {
  DEFAULT_RISK_LIMITS,
  movePoolToPrice,
  pushPrice,
  UNISWAP_V3_POOL_INIT_CODE_HASH,
} from "@zkagent/contracts/world";
import { DecentralizedTrader__factory, type DecentralizedTrader } from "@zkagent/contracts/typechain";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { parseUnits } from "ethers";

import { DEMO_POLICY, WINDOW, type SessionChain } from "../session.ts";

/** Each scene vault's quote balance: room for a 4 ETH cap at any price the path reaches. */
export const SCENE_VAULT_USDC = parseUnits("20000", 6);

/** A sent transaction's receipt (the in-process chain mines it at once). */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  return (await (await tx).wait())!;
}

/** The feed's last WINDOW answers, oldest first, and the latest round. */
export async function readWindow(chain: SessionChain): Promise<{ prices: bigint[]; roundId: bigint }> {
  const feed = chain.world.priceFeed;
  const [roundId] = await feed.latestRoundData();
  const prices: bigint[] = [];
  for (let round = roundId - BigInt(WINDOW) + 1n; round <= roundId; round++)
    prices.push((await feed.getRoundData(round))[1]);
  return { prices, roundId };
}

/**
 * Pushes a new round at `bps` of the previous WINDOW − 1 rounds' mean, arbitrages the pool to it
 * and has a keeper record the round's window in the WindowLog (once per round, whichever path
 * trades on it; done apart so each scene's gas shows its own work): 9 700 puts the round 3 % under
 * the mean, well outside the ±1 % band (a BUY); 10 000 puts it on the mean, inside (HOLD).
 */
export async function moveMarket(chain: SessionChain, bps: bigint): Promise<{ price: bigint; recordGas: number }> {
  const { prices } = await readWindow(chain);
  const history = prices.slice(1);
  const price = (history.reduce((sum, p) => sum + p, 0n) * bps) / (BigInt(history.length) * 10_000n);
  await pushPrice(chain.world.priceFeed, price);
  await movePoolToPrice(chain.world, chain.arbitrageur, price);
  const recorded = await mined(chain.zkagent.windowLog.connect(chain.arbitrageur).record());
  return { price, recordGas: Number(recorded.gasUsed) };
}

/**
 * The attested model the scenes' agent names: the session's GGUF (the tiny stand-in unless
 * --model), registered and approved by the registry's governor (the deployer in the demo world,
 * as in the session) unless the session already did (mode llm).
 */
export async function publisherModel(chain: SessionChain, modelPath: string): Promise<bigint> {
  const { registry } = chain.zkagent;
  const modelHash = await modelHashOf(modelPath);
  const [approved] = await registry.approval(modelHash);
  if (!approved) {
    await mined(registry.register(modelHash, "zkagent scenes' attested model", "1", `file://${modelPath}`));
    await mined(registry.approve(modelHash));
  }
  return modelHash;
}

/**
 * A new vault owned by the deployer, wired to the session's market, registry, verifiers and window
 * log, with the session's policy under `maxPosition` and funded with SCENE_VAULT_USDC.
 */
export async function deploySceneVault(chain: SessionChain, maxPosition: bigint): Promise<DecentralizedTrader> {
  const { world, zkagent, deployer } = chain;
  const session = zkagent.trader;
  const vault = await (
    await new DecentralizedTrader__factory(deployer).deploy(
      deployer.address,
      {
        baseToken: await world.weth.getAddress(),
        quoteToken: await world.usdc.getAddress(),
        uniswapFactory: await world.factory.getAddress(),
        poolInitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
        priceFeed: await world.priceFeed.getAddress(),
        sequencerUptimeFeed: await world.sequencerFeed.getAddress(),
        sequencerGracePeriod: await session.sequencerGracePeriod(),
        modelRegistry: await zkagent.registry.getAddress(),
        verifier: await zkagent.verifier.getAddress(),
        modelVerifier: await zkagent.modelVerifier.getAddress(),
        windowLog: await zkagent.windowLog.getAddress(),
      },
      { ...DEMO_POLICY, maxPosition },
      DEFAULT_RISK_LIMITS,
    )
  ).waitForDeployment();
  const address = await vault.getAddress();
  await mined(world.usdc.mint(deployer.address, SCENE_VAULT_USDC));
  await mined(world.usdc.approve(address, SCENE_VAULT_USDC));
  await mined(vault.deposit(await world.usdc.getAddress(), SCENE_VAULT_USDC));
  return vault;
}
