import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import { Action } from "@zkagent/circuits";
import { deployZkagent, marketOf, pushPrices } from "@zkagent/contracts/world";
import { ReentrantRouter__factory } from "@zkagent/contracts/typechain";
import { parseEther, parseUnits } from "ethers";

import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, TEST_MODEL_HASH, TEST_POLICY, type TraderWorld } from "../helpers/trader-fixture.ts";
import { deployTestWorld } from "../helpers/world-fixture.ts";

const { ethers } = await network.create();

describe("re-entrancy: a malicious router that is also an authorised agent", function () {
  this.timeout(120_000);
  after(closeSharedProver);

  it("cannot execute a second trade from inside the first: the nested call reverts, nothing of it lands", async () => {
    const [owner, agent, , stranger] = await ethers.getSigners();
    const world = await deployTestWorld(ethers);
    const router = await (await new ReentrantRouter__factory(owner!).deploy()).waitForDeployment();
    const routerAddress = await router.getAddress();
    const market = { ...(await marketOf(world)), sequencerUptimeFeed: ethers.ZeroAddress, swapRouter: routerAddress };
    const { verifier, registry, trader } = await deployZkagent(owner!, market, TEST_POLICY, {
      owner: owner!.address,
      governor: owner!.address,
    });
    await registry.register(TEST_MODEL_HASH, "m", "1", "test://");
    await registry.approve(TEST_MODEL_HASH);
    await trader.setAgentAuthorization(agent!.address, true);
    await trader.setAgentAuthorization(routerAddress, true); // the owner was fooled into this
    const traderAddress = await trader.getAddress();
    await world.usdc.mint(owner!.address, parseUnits("50000", 6));
    await world.usdc.approve(traderAddress, parseUnits("50000", 6));
    await trader.deposit(await world.usdc.getAddress(), parseUnits("50000", 6));
    await world.weth.connect(stranger!).deposit({ value: parseEther("5") });
    await world.weth.connect(stranger!).transfer(routerAddress, parseEther("5")); // the router's inventory
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
    const routerAsAgent = { address: routerAddress, provider: ethers.provider } as unknown as HardhatEthersSigner;
    const nested = await proveTrade(tw, routerAsAgent, { action: Action.BUY, size: parseEther("0.5") });
    await router.arm(nested.solidityProof, nested.publicSignals);
    const outer = await proveTrade(tw, agent!, { action: Action.BUY, size: parseEther("1") });

    await trader.connect(agent!).executeTrade(outer.solidityProof, outer.publicSignals, 2n ** 64n, 0n);

    expect(await router.reentrySucceeded()).to.equal(false);
    const selector = trader.interface.getError("ReentrancyGuardReentrantCall")!.selector;
    expect(await router.reentryRevertData()).to.equal(selector);
    expect(await trader.nonceOf(routerAddress)).to.equal(0n);
    expect(await trader.positionOf(routerAddress)).to.equal(0n);
    expect(await trader.nonceOf(agent!.address)).to.equal(1n);
    expect(await trader.positionOf(agent!.address)).to.equal(parseEther("1"));
  });
});
