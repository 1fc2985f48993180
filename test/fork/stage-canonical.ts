import { Contract, ContractFactory, MaxUint256, type JsonRpcProvider, type Wallet } from "ethers";

import { fullRangeTicks, sqrtPriceX96FromPrice, uniswapArtifacts, type AddressBook } from "@zkagent/contracts/world";
import { MockV3Aggregator__factory, TestStablecoin__factory, WETH9__factory } from "@zkagent/contracts/typechain";

/** How many leading storage slots a clone copies (names, decimals, router's amountInCached…). */
const SLOTS = 12;

/** Puts `from`'s code and first storage slots at `to` (a local node only: hardhat_setCode). */
async function cloneTo(provider: JsonRpcProvider, from: string, to: string): Promise<void> {
  await provider.send("hardhat_setCode", [to, await provider.getCode(from)]);
  for (let slot = 0; slot < SLOTS; slot++) {
    const key = `0x${slot.toString(16)}`;
    const value = await provider.send("eth_getStorageAt", [from, key, "latest"]);
    await provider.send("hardhat_setStorageAt", [to, `0x${slot.toString(16).padStart(64, "0")}`, value]);
  }
}

/**
 * Makes a fresh local node play a real chain: WETH9, a mintable USDC, Chainlink's mock feeds and
 * Uniswap's SwapRouter are placed at the chain's canonical addresses (from `book`), and a
 * WETH/USDC pool at the book's fee tier gets full-range liquidity. The deploy task then runs
 * against the node exactly as it would against the real chain.
 */
export async function stageCanonical(
  provider: JsonRpcProvider,
  deployer: Wallet,
  book: AddressBook,
  price: bigint,
): Promise<void> {
  const deployed = async (factory: ContractFactory, ...args: unknown[]) =>
    (await (await factory.deploy(...args)).waitForDeployment()).getAddress();
  await cloneTo(provider, await deployed(new WETH9__factory(deployer)), book.weth);
  await cloneTo(provider, await deployed(new TestStablecoin__factory(deployer)), book.usdc);
  const feeds = new MockV3Aggregator__factory(deployer);
  await cloneTo(provider, await deployed(feeds, 8, price), book.ethUsdFeed);
  await cloneTo(provider, await deployed(feeds, 0, 0), book.sequencerUptimeFeed!);

  const artifact = (a: { abi: unknown[]; bytecode: string }) =>
    new ContractFactory(a.abi as never, a.bytecode, deployer);
  // The factory goes to its canonical address, because the trader derives the pool from it by
  // CREATE2. Its code keeps its own deployment address as an immutable (NoDelegateCall), so that
  // is rewritten to the canonical one; the fee tiers live in a mapping the clone does not copy, so
  // the owner (the deployer, copied with the leading slots) enables the book's tier again.
  const local = (await deployed(artifact(uniswapArtifacts.factory))).toLowerCase();
  const factory = book.uniswapV3Factory;
  await cloneTo(provider, local, factory);
  const code = (await provider.getCode(local)).toLowerCase().replaceAll(local.slice(2), factory.slice(2).toLowerCase());
  await provider.send("hardhat_setCode", [factory, code]);
  const factoryContract = new Contract(factory, uniswapArtifacts.factory.abi as never, deployer);
  await (await factoryContract.getFunction("enableFeeAmount")(book.poolFee, book.poolFee === 500 ? 10 : 60)).wait();
  await cloneTo(provider, await deployed(artifact(uniswapArtifacts.swapRouter), factory, book.weth), book.swapRouter);
  // Uniswap's QuoterV2, with which the agent quotes each trade before proving it (no storage: its
  // factory and WETH are immutables in its code).
  if (book.quoterV2) {
    await cloneTo(provider, await deployed(artifact(uniswapArtifacts.quoterV2), factory, book.weth), book.quoterV2);
  }
  const positionManager = new Contract(
    await deployed(
      artifact(uniswapArtifacts.positionManager),
      factory,
      book.weth,
      "0x0000000000000000000000000000000000000001",
    ),
    uniswapArtifacts.positionManager.abi as never,
    deployer,
  );

  const weth = WETH9__factory.connect(book.weth, deployer);
  const usdc = TestStablecoin__factory.connect(book.usdc, deployer);
  const baseIsToken0 = BigInt(book.weth) < BigInt(book.usdc);
  const [token0, token1] = baseIsToken0 ? [book.weth, book.usdc] : [book.usdc, book.weth];
  const sqrtPriceX96 = sqrtPriceX96FromPrice(price, 8, { baseIsToken0, baseDecimals: 18, quoteDecimals: 6 });
  await (
    await positionManager.getFunction("createAndInitializePoolIfNecessary")(token0, token1, book.poolFee, sqrtPriceX96)
  ).wait();
  const base = 500n * 10n ** 18n;
  const quote = (base * price) / 10n ** 20n;
  await (await weth.deposit({ value: base })).wait();
  await (await usdc.mint(deployer.address, quote)).wait();
  await (await weth.approve(await positionManager.getAddress(), MaxUint256)).wait();
  await (await usdc.approve(await positionManager.getAddress(), MaxUint256)).wait();
  const { tickLower, tickUpper } = fullRangeTicks(book.poolFee === 500 ? 10 : 60);
  await (
    await positionManager.getFunction("mint")({
      token0,
      token1,
      fee: book.poolFee,
      tickLower,
      tickUpper,
      amount0Desired: baseIsToken0 ? base : quote,
      amount1Desired: baseIsToken0 ? quote : base,
      amount0Min: 0n,
      amount1Min: 0n,
      recipient: deployer.address,
      deadline: MaxUint256,
    })
  ).wait();
  // The staged book points the world helpers at the local position manager.
  book.positionManager = await positionManager.getAddress();
  book.local = true;
}
