import { Action, PolicyProver, proofContext } from "@zkagent/circuits";
import {
  deployRealShapedFeed,
  deployWorld,
  deployZkagent,
  transmitPrices,
  hardhatWallet,
  marketOf,
  movePoolToPrice,
  pushPrice,
  pushPrices,
} from "@zkagent/contracts/world";
import { IModelRegistry__factory } from "@zkagent/contracts/typechain";
import { MaxUint256, parseEther, parseUnits } from "ethers";
import { network } from "hardhat";

import { pairingFloor, swapFloor } from "./gas-floors.ts";

const INTRINSIC = 21_000;

export interface GasFigures {
  verifyProof: number;
  executeTradeBuy: number;
  executeTradeSell: number;
  buyBreakdown: Record<string, number>;
  pairingFloor: number;
  verifierAboveFloor: number;
  publicInputs: number;
  /** The on-chain window check and its recording, on a real-shaped feed (proxy + OCR2-shaped aggregator). */
  window: {
    /** One WindowLog.commitmentOf read, as the trade makes it (estimate − intrinsic). */
    checkInTrade: number;
    /** record() when the previous round is recorded: one round read from the feed (receipt). */
    recordNextRound: number;
    /** record() after a quiet period: 30 rounds read (receipt). */
    recordAfterQuietPeriod: number;
    /** latestRoundData through the proxy, cold (estimate − intrinsic). */
    latestRoundData: number;
  };
}

/**
 * Gas on the in-process chain with the real Uniswap V3 world and L2 configuration (sequencer
 * feed on). Parts of a BUY are measured as standalone calls (estimate − 21 000 intrinsic): an
 * approximation, since inside executeTrade some storage is already warm; the remainder is the
 * trader's own logic plus call overheads.
 */
export async function benchGas(): Promise<GasFigures> {
  const { ethers, networkHelpers } = await network.create();
  const [owner, , arbitrageur, swapper] = await ethers.getSigners();
  const world = await deployWorld(owner!);
  const policy = {
    maxPosition: parseEther("2"),
    thresholdBps: 100n,
    maxSlippageBps: 100n,
    maxOracleAge: 3600n,
    poolFee: 3000n,
  };
  const { verifier, registry, trader, windowLog } = await deployZkagent(owner!, await marketOf(world), policy, {
    owner: owner!.address,
    governor: owner!.address,
  });
  await registry.register(1n, "bench", "1", "bench://");
  await registry.approve(1n);
  const agent = hardhatWallet(1, ethers.provider);
  await trader.setAgentAuthorization(agent.address, true);
  const traderAddress = await trader.getAddress();
  await world.usdc.mint(owner!.address, parseUnits("50000", 6));
  await world.usdc.approve(traderAddress, MaxUint256);
  await trader.deposit(await world.usdc.getAddress(), parseUnits("50000", 6));
  // Steady state, as in the gas snapshot: the vault already holds WETH. (A first BUY into a vault
  // with none pays a zero-to-nonzero balance write, ~17k more: measured below as a separate row.)
  await world.weth.deposit({ value: parseEther("10") });
  await world.weth.approve(traderAddress, MaxUint256);
  await trader.deposit(await world.weth.getAddress(), parseEther("10"));
  await networkHelpers.time.increase(3601);
  const base = 3_000n * 10n ** 8n;
  await pushPrices(world.priceFeed, Array(29).fill(base));

  const prover = await PolicyProver.load();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const tradeAt = async (price: bigint, action: Action, size: bigint) => {
    await pushPrice(world.priceFeed, price);
    // A keeper (or an earlier trade on this round) recorded the window: the trade's hot path.
    await (await windowLog.record()).wait();
    await movePoolToPrice(world, arbitrageur!, price);
    const prices: bigint[] = [];
    const [latest] = await world.priceFeed.latestRoundData();
    for (let r = latest - 29n; r <= latest; r++) prices.push((await world.priceFeed.getRoundData(r))[1]);
    const proof = await prover.prove({
      prices,
      roundId: latest,
      maxPosition: policy.maxPosition,
      thresholdBps: policy.thresholdBps,
      position: await trader.positionOf(agent.address),
      action,
      size,
      modelHash: 1n,
      context: proofContext({
        chainId,
        trader: traderAddress,
        agent: agent.address,
        nonce: await trader.nonceOf(agent.address),
      }),
    });
    return proof;
  };

  // Steady state for the loss limits too: the agent and the vault have traded before in this period
  // (the first trade ever of a vault creates their usage slots, ~20k more).
  const warmUp = await tradeAt((base * 98n) / 100n, Action.BUY, parseEther("0.1"));
  await (await trader.connect(agent).executeTrade(warmUp.solidityProof, warmUp.publicSignals, MaxUint256, 0n)).wait();
  const buy = await tradeAt((base * 98n) / 100n, Action.BUY, parseEther("1"));
  const verifyProof =
    Number(
      await verifier.verifyProof.estimateGas(
        buy.solidityProof.a,
        buy.solidityProof.b,
        buy.solidityProof.c,
        buy.publicSignals,
      ),
    ) - INTRINSIC;
  const standalone = async (to: string, data: string) =>
    Number(await ethers.provider.estimateGas({ to, data })) - INTRINSIC;
  const oracle = await standalone(
    await world.priceFeed.getAddress(),
    world.priceFeed.interface.encodeFunctionData("latestRoundData"),
  );
  const sequencer = await standalone(
    await world.sequencerFeed.getAddress(),
    world.sequencerFeed.interface.encodeFunctionData("latestRoundData"),
  );
  const windowCheck = await standalone(
    await windowLog.getAddress(),
    windowLog.interface.encodeFunctionData("commitmentOf", [(await world.priceFeed.latestRoundData())[0]]),
  );
  const registryGas = await standalone(
    await registry.getAddress(),
    IModelRegistry__factory.createInterface().encodeFunctionData("isApproved", [1n]),
  );
  const buyReceipt = await (
    await trader.connect(agent).executeTrade(buy.solidityProof, buy.publicSignals, MaxUint256, 0n)
  ).wait();
  const executeTradeBuy = Number(buyReceipt!.gasUsed);

  const sell = await tradeAt((base * 102n) / 100n, Action.SELL, parseEther("0.5"));
  const sellReceipt = await (
    await trader.connect(agent).executeTrade(sell.solidityProof, sell.publicSignals, MaxUint256, 0n)
  ).wait();
  await prover.close();
  // The same swap as the BUY on the pool directly, by the cheapest possible caller, for its share
  // (after the trades: its two swaps move the pool).
  const swapGas = await swapFloor(
    swapper!,
    world.pool,
    async (probe) => {
      await world.usdc.mint(probe, parseUnits("20000", 6));
      await world.weth.connect(swapper!).deposit({ value: parseEther("1") });
      await world.weth.connect(swapper!).transfer(probe, parseEther("1"));
    },
    !world.layout.baseIsToken0,
    parseEther("1"),
  );

  const parts = {
    "proof verification": verifyProof,
    "Uniswap swap (the pool's swap, cheapest caller)": swapGas,
    "oracle (latest round)": oracle,
    "sequencer feed": sequencer,
    "model registry": registryGas,
    "window check (WindowLog read)": windowCheck,
  };
  const accounted = Object.values(parts).reduce((a, b) => a + b, 0) + INTRINSIC;

  // The window's recording, on a feed shaped like a real Chainlink feed.
  const realFeed = await deployRealShapedFeed(owner!);
  const realLog = (
    await deployZkagent(owner!, { ...(await marketOf(world)), priceFeed: await realFeed.proxy.getAddress() }, policy, {
      owner: owner!.address,
      governor: owner!.address,
    })
  ).windowLog;
  await transmitPrices(realFeed, Array(30).fill(base));
  const receiptGas = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) =>
    Number((await (await tx).wait())!.gasUsed);
  const recordAfterQuietPeriod = await receiptGas(realLog.record());
  await transmitPrices(realFeed, [base]);
  const recordNextRound = await receiptGas(realLog.record());
  const latestRoundData = await standalone(
    await realFeed.proxy.getAddress(),
    realFeed.proxy.interface.encodeFunctionData("latestRoundData"),
  );
  const realCheck = await standalone(
    await realLog.getAddress(),
    realLog.interface.encodeFunctionData("commitmentOf", [(await realFeed.proxy.latestRoundData())[0]]),
  );
  const floor = pairingFloor(5);
  return {
    verifyProof,
    executeTradeBuy,
    executeTradeSell: Number(sellReceipt!.gasUsed),
    buyBreakdown: {
      ...parts,
      "intrinsic (21 000)": INTRINSIC,
      "trader logic, calldata and call overheads": executeTradeBuy - accounted,
    },
    pairingFloor: floor,
    verifierAboveFloor: verifyProof - floor,
    publicInputs: 5,
    window: { checkInTrade: realCheck, recordNextRound, recordAfterQuietPeriod, latestRoundData },
  };
}
