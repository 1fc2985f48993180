import { SwapFloorProbe__factory, type IUniswapV3Pool } from "@zkagent/contracts/typechain";
import type { Provider, Signer, TransactionReceipt } from "ethers";

/** A transaction's intrinsic gas: 21 000 and its calldata (4 per zero byte, 16 per other byte; Cancun). */
export function intrinsicGas(data: string): number {
  let gas = 21_000;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

/** The pairing check's precompile floor for Groth16 with `n` public inputs (EIP-1108 prices). */
export const pairingFloor = (n: number) => 45_000 + 34_000 * 4 + n * (6_000 + 150);

/** A storage slot written for the first time in a transaction (cold access + zero to nonzero). */
export const NEW_SLOT = 22_100;
/** Calling an account not yet touched in the transaction (EIP-2929). */
export const COLD_ACCOUNT = 2_600;
/** Reading a slot not yet touched in the transaction (EIP-2929). */
export const COLD_SLOT = 2_100;
/** A slot read cold and rewritten nonzero to nonzero (a nonce, a position, a usage counter). */
export const COLD_SLOT_REWRITE = COLD_SLOT + 2_900;

/** What the logs `receipt` holds from `emitters` cost (375 a log, 375 a topic, 8 a data byte). */
export function logsGas(receipt: TransactionReceipt, emitters: string[]): number {
  const from = new Set(emitters.map((a) => a.toLowerCase()));
  return receipt.logs
    .filter((log) => from.has(log.address.toLowerCase()))
    .reduce((gas, log) => gas + 375 + 375 * log.topics.length + 8 * ((log.data.length - 2) / 2), 0);
}

/**
 * A read another contract makes of `to` inside a trade: its standalone execution (estimate − its
 * own intrinsic gas), plus the cold-account access a transaction's own target is spared.
 */
export async function readInTrade(provider: Provider, to: string, data: string): Promise<number> {
  return Number(await provider.estimateGas({ to, data })) - intrinsicGas(data) + COLD_ACCOUNT;
}

/** Gas of a mined transaction, and the part of it that is intrinsic (21 000 + calldata). */
export async function gasAndIntrinsic(receipt: TransactionReceipt): Promise<{ gas: number; intrinsic: number }> {
  const tx = (await receipt.getTransaction())!;
  return { gas: Number(receipt.gasUsed), intrinsic: intrinsicGas(tx.data) };
}

/**
 * The pool swap itself: an exact-output swap of `amountOut` on `pool` by the cheapest possible
 * caller (SwapFloorProbe), which already holds both tokens (as a vault in its steady state does),
 * after one warm-up swap; its gas less its own intrinsic part.
 */
export async function swapFloor(
  signer: Signer,
  pool: IUniswapV3Pool,
  fund: (probe: string) => Promise<void>,
  zeroForOne: boolean,
  amountOut: bigint,
): Promise<number> {
  const probe = await new SwapFloorProbe__factory(signer).deploy(await pool.token0(), await pool.token1());
  const address = await probe.getAddress();
  await fund(address);
  await (await probe.buyExact(await pool.getAddress(), zeroForOne, amountOut)).wait();
  const receipt = (await (await probe.buyExact(await pool.getAddress(), zeroForOne, amountOut)).wait())!;
  const { gas, intrinsic } = await gasAndIntrinsic(receipt);
  return gas - intrinsic;
}

/**
 * One path's measured gas beside its floor (the list: intrinsic, pairing, pool swap, oracle
 * reads, window check, and the storage the path creates), and beside its protocol floor: that floor
 * plus the state this protocol's own rules make every such trade touch (the exactly-once nonce, the
 * position and limit usage, the policy, the revocable model approval, the rotatable verifier, the
 * trade's record in the logs), each at its minimum price.
 */
export interface PathFloor {
  path: string;
  measured: number;
  floor: number;
  parts: Record<string, number>;
  protocolFloor: number;
  protocolParts: Record<string, number>;
}

const sum = (parts: Record<string, number>) => Object.values(parts).reduce((a, b) => a + b, 0);

/** Sums `parts` into a floor row for `path`, and `parts` plus `protocolParts` into its protocol floor. */
export function floorRow(
  path: string,
  measured: number,
  parts: Record<string, number>,
  protocolParts: Record<string, number>,
): PathFloor {
  const floor = sum(parts);
  return { path, measured, floor, parts, protocolFloor: floor + sum(protocolParts), protocolParts };
}
