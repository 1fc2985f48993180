import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { deployZkagent, marketOf, pushPrices } from "@zkagent/contracts/world";
import { Create2PoolFactory__factory, ReentrantPool__factory } from "@zkagent/contracts/typechain";
import { AbiCoder, keccak256, parseEther, parseUnits, solidityPacked } from "ethers";

import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, TEST_MODEL_HASH, TEST_POLICY, type TraderWorld } from "../helpers/trader-fixture.ts";
import { deployTestWorld } from "../helpers/world-fixture.ts";

const { ethers } = await network.create();

describe("re-entrancy: a malicious pool that is also an authorised agent", function () {
  this.timeout(120_000);
  after(closeSharedProver);

  it("cannot execute a second trade from inside the first: the nested call reverts, nothing of it lands", async () => {
    const [owner, agent, , stranger] = await ethers.getSigners();
    const world = await deployTestWorld(ethers);
    // The attacker's pool sits where the trader derives its pool from (a stand-in factory's CREATE2),
    // as a pool would if a factory or init code hash were wrongly trusted.
    const factory = await (await new Create2PoolFactory__factory(owner!).deploy()).waitForDeployment();
    const [weth, usdc] = [await world.weth.getAddress(), await world.usdc.getAddress()];
    const [token0, token1] = BigInt(weth) < BigInt(usdc) ? [weth, usdc] : [usdc, weth];
    const initCode = solidityPacked(
      ["bytes", "bytes"],
      [
        ReentrantPool__factory.bytecode,
        AbiCoder.defaultAbiCoder().encode(
          ["address", "address", "address", "uint256"],
          [token0, token1, weth, parseUnits("2940", 6)],
        ),
      ],
    );
    await factory.deploy(token0, token1, TEST_POLICY.poolFee, initCode);
    const poolAddress = await factory.getPool(token0, token1, TEST_POLICY.poolFee);
    const pool = ReentrantPool__factory.connect(poolAddress, owner!);
    const market = {
      ...(await marketOf(world)),
      sequencerUptimeFeed: ethers.ZeroAddress,
      uniswapFactory: await factory.getAddress(),
      poolInitCodeHash: keccak256(initCode),
    };
    const { verifier, registry, trader } = await deployZkagent(owner!, market, TEST_POLICY, {
      owner: owner!.address,
      governor: owner!.address,
    });
    await registry.register(TEST_MODEL_HASH, "m", "1", "test://");
    await registry.approve(TEST_MODEL_HASH);
    await trader.setAgentAuthorization(agent!.address, true);
    await trader.setAgentAuthorization(poolAddress, true); // the owner was fooled into this
    const traderAddress = await trader.getAddress();
    await world.usdc.mint(owner!.address, parseUnits("50000", 6));
    await world.usdc.approve(traderAddress, parseUnits("50000", 6));
    await trader.deposit(await world.usdc.getAddress(), parseUnits("50000", 6));
    await world.weth.connect(stranger!).deposit({ value: parseEther("5") });
    await world.weth.connect(stranger!).transfer(poolAddress, parseEther("5")); // the pool's inventory
    await pushPrices(world.priceFeed, [...Array(29).fill(PRICE_3000), (PRICE_3000 * 98n) / 100n]);

    const tw = {
      world,
      registry,
      verifier,
      trader,
      owner,
      agent,
      otherAgent: stranger,
      stranger,
    } as unknown as TraderWorld;
    const poolAsAgent = { address: poolAddress, provider: ethers.provider } as unknown as HardhatEthersSigner;
    const nested = await proveTrade(tw, poolAsAgent, { action: Action.BUY, size: parseEther("0.5") });
    await pool.arm(nested.solidityProof, nested.publicSignals);
    const outer = await proveTrade(tw, agent!, { action: Action.BUY, size: parseEther("1") });

    await trader.connect(agent!).executeTrade(outer.solidityProof, outer.publicSignals, 2n ** 64n, 0n);

    expect(await pool.reentrySucceeded()).to.equal(false);
    const selector = trader.interface.getError("ReentrancyGuardReentrantCall")!.selector;
    expect(await pool.reentryRevertData()).to.equal(selector);
    expect(await trader.nonceOf(poolAddress)).to.equal(0n);
    expect(await trader.positionOf(poolAddress)).to.equal(0n);
    expect(await trader.nonceOf(agent!.address)).to.equal(1n);
    expect(await trader.positionOf(agent!.address)).to.equal(parseEther("1"));
  });
});
