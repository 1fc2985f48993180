import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { UNISWAP_V3_POOL_INIT_CODE_HASH, movePoolToPrice, uniswapArtifacts } from "@zkagent/contracts/world";
import {
  Create2PoolFactory__factory,
  DecentralizedTrader__factory,
  ShortChangingPool__factory,
} from "@zkagent/contracts/typechain";
import {
  AbiCoder,
  ZeroAddress,
  ZeroHash,
  getCreate2Address,
  keccak256,
  parseEther,
  parseUnits,
  solidityPacked,
} from "ethers";

import { BELOW, NO_PROOF, forgedSignals, forgedWorld } from "../helpers/forged-world.ts";
import { TEST_LIMITS, TEST_POLICY, wiringOf, type TraderWorld } from "../helpers/trader-fixture.ts";
import { expectUnchanged } from "../helpers/vault-state.ts";

const { ethers, networkHelpers } = await network.create();
const ONE_ETH = parseEther("1");
const FAR = 2n ** 64n;

const trade = async (tw: TraderWorld, action: Action, size: bigint, amountLimit = 0n) =>
  tw.trader.connect(tw.agent).executeTrade(NO_PROOF, await forgedSignals(tw, action, size), FAR, amountLimit);

async function expectRefused(tw: TraderWorld, run: () => Promise<unknown>, error: string, args?: unknown[]) {
  await expectUnchanged(tw, tw.agent.address, async () => {
    const assertion = expect(run()).to.be.revertedWithCustomError(tw.trader, error);
    await (args ? assertion.withArgs(...args) : assertion);
  });
}

/**
 * A vault whose pool (a ShortChangingPool where the trader derives it, through a CREATE2 factory)
 * fills `deliveredBps` of each swap at 2 940 USDC per WETH, funded with both tokens.
 */
async function shortChangingVault(tw: TraderWorld, deliveredBps: bigint) {
  const factory = await (await new Create2PoolFactory__factory(tw.owner).deploy()).waitForDeployment();
  const [weth, usdc] = [await tw.world.weth.getAddress(), await tw.world.usdc.getAddress()];
  const [token0, token1] = BigInt(weth) < BigInt(usdc) ? [weth, usdc] : [usdc, weth];
  const initCode = solidityPacked(
    ["bytes", "bytes"],
    [
      ShortChangingPool__factory.bytecode,
      AbiCoder.defaultAbiCoder().encode(
        ["address", "address", "address", "uint256", "uint256"],
        [token0, token1, weth, parseUnits("2940", 6), deliveredBps],
      ),
    ],
  );
  await factory.deploy(token0, token1, TEST_POLICY.poolFee, initCode);
  const poolAddress = await factory.getPool(token0, token1, TEST_POLICY.poolFee);
  await tw.world.weth.connect(tw.stranger).deposit({ value: parseEther("5") });
  await tw.world.weth.connect(tw.stranger).transfer(poolAddress, parseEther("5"));
  await tw.world.usdc.mint(poolAddress, parseUnits("50000", 6));
  const wiring = await wiringOf(tw, {
    uniswapFactory: await factory.getAddress(),
    poolInitCodeHash: keccak256(initCode),
    verifier: await tw.trader.verifierOf(0),
  });
  const trader = await new DecentralizedTrader__factory(tw.owner).deploy(
    tw.owner.address,
    wiring,
    TEST_POLICY,
    TEST_LIMITS,
  );
  await trader.setAgentAuthorization(tw.agent.address, true);
  await tw.world.usdc.mint(tw.owner.address, parseUnits("50000", 6));
  await tw.world.usdc.approve(await trader.getAddress(), parseUnits("50000", 6));
  await trader.deposit(usdc, parseUnits("50000", 6));
  return { vault: { ...tw, trader }, pool: ShortChangingPool__factory.connect(poolAddress, tw.owner) };
}

describe("the trader swaps on the Uniswap V3 pool directly (no router)", function () {
  this.timeout(120_000);
  const fixture = () => forgedWorld(ethers, networkHelpers);

  it("derives the factory's own pool, from the init code hash Uniswap's pool bytecode has", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    expect(keccak256(uniswapArtifacts.pool.bytecode)).to.equal(UNISWAP_V3_POOL_INIT_CODE_HASH);
    expect(await tw.trader.poolInitCodeHash()).to.equal(UNISWAP_V3_POOL_INIT_CODE_HASH);
    expect(await tw.trader.pool()).to.equal(await tw.world.pool.getAddress());
  });

  it("pays the pool from the callback of its own swap only: a callback from anyone else, the real pool included, is refused", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    await expectRefused(
      tw,
      () => tw.trader.connect(tw.stranger).uniswapV3SwapCallback(parseUnits("1000", 6), parseUnits("1000", 6), "0x"),
      "UnexpectedSwapCallback",
      [tw.stranger.address],
    );
    // The real pool, outside a swap of the vault's own, is no better placed than a stranger.
    const poolAddress = await tw.world.pool.getAddress();
    await networkHelpers.impersonateAccount(poolAddress);
    await networkHelpers.setBalance(poolAddress, parseEther("1"));
    const pool = await ethers.getSigner(poolAddress);
    await expectRefused(
      tw,
      () => tw.trader.connect(pool).uniswapV3SwapCallback(parseUnits("1000", 6), parseUnits("1000", 6), "0x"),
      "UnexpectedSwapCallback",
      [poolAddress],
    );
  });

  it("refuses a SELL the pool would fill below the oracle bound, with the amounts", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    await trade(tw, Action.BUY, ONE_ETH);
    await movePoolToPrice(tw.world, tw.stranger, (BELOW * 97n) / 100n);
    const minOut = (((ONE_ETH * BELOW) / 10n ** 20n) * (10_000n - TEST_POLICY.maxSlippageBps)) / 10_000n;
    await expectUnchanged(tw, tw.agent.address, async () => {
      await expect(trade(tw, Action.SELL, ONE_ETH))
        .to.be.revertedWithCustomError(tw.trader, "SwapOutputBelowBound")
        .withArgs((out: bigint) => out < minOut, minOut);
    });
  });

  it("refuses a BUY the pool fills only in part (its liquidity ran out), with what it delivered", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { vault } = await shortChangingVault(tw, 9_000n);
    await expectRefused(vault, () => trade(vault, Action.BUY, ONE_ETH), "SwapPartiallyFilled", [
      (ONE_ETH * 9_000n) / 10_000n,
      ONE_ETH,
    ]);
  });

  it("refuses a SELL the pool fills only in part, even when it pays for the whole, with what it took", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const { vault, pool } = await shortChangingVault(tw, 10_000n);
    await expect(trade(vault, Action.BUY, ONE_ETH)).to.emit(vault.trader, "TradeExecuted");
    // The pool takes 0.9 ETH of the 1 ETH sold and pays 2 940 USDC, above the oracle bound: only
    // the fill check sees that the vault would keep 0.1 ETH its books no longer hold.
    await pool.setDeliveredBps(9_000n);
    await expectRefused(vault, () => trade(vault, Action.SELL, ONE_ETH), "SwapPartiallyFilled", [
      (ONE_ETH * 9_000n) / 10_000n,
      ONE_ETH,
    ]);
  });

  it("refuses a fee tier with no pool and a wrong init code hash, at deployment and when the policy changes", async () => {
    const tw = await networkHelpers.loadFixture(fixture);
    const traders = new DecentralizedTrader__factory(tw.owner);
    const factory = await tw.world.factory.getAddress();
    const [weth, usdc] = [await tw.world.weth.getAddress(), await tw.world.usdc.getAddress()];
    const [token0, token1] = BigInt(weth) < BigInt(usdc) ? [weth, usdc] : [usdc, weth];
    // The address the trader derives, computed here independently (Uniswap's CREATE2 salt).
    const derived = (fee: bigint, initCodeHash: string) =>
      getCreate2Address(
        factory,
        keccak256(AbiCoder.defaultAbiCoder().encode(["address", "address", "uint24"], [token0, token1, fee])),
        initCodeHash,
      );
    await expect(traders.deploy(tw.owner.address, await wiringOf(tw), { ...TEST_POLICY, poolFee: 500n }, TEST_LIMITS))
      .to.be.revertedWithCustomError(tw.trader, "PoolNotFound")
      .withArgs(500n, derived(500n, UNISWAP_V3_POOL_INIT_CODE_HASH), ZeroAddress);
    await expect(
      traders.deploy(tw.owner.address, await wiringOf(tw, { poolInitCodeHash: ZeroHash }), TEST_POLICY, TEST_LIMITS),
    )
      .to.be.revertedWithCustomError(tw.trader, "PoolNotFound")
      .withArgs(TEST_POLICY.poolFee, derived(TEST_POLICY.poolFee, ZeroHash), await tw.world.pool.getAddress());
    const before = await tw.trader.policy();
    await expect(tw.trader.setPolicy({ ...TEST_POLICY, poolFee: 500n }))
      .to.be.revertedWithCustomError(tw.trader, "PoolNotFound")
      .withArgs(500n, derived(500n, UNISWAP_V3_POOL_INIT_CODE_HASH), ZeroAddress);
    expect(await tw.trader.policy()).to.deep.equal(before);
  });
});
