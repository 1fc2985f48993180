import { Contract, formatUnits, type ContractRunner, type Interface } from "ethers";

import { WorldArbitrageur__factory, WorldLiquidityProvider__factory } from "../typechain/index.ts";

/** Which of the world's market makers ran out. */
export type WorldActor = "arbitrageur" | "liquidity provider";

/**
 * The world's arbitrageur or liquidity provider could not pay for a move, an exchange or a new
 * position from its finite inventory. The world never mints or wraps for them after setup: give
 * the world larger inventories (WorldOptions) or a history within the range it was provisioned for.
 */
export class WorldInventoryExhausted extends Error {
  constructor(
    readonly actor: WorldActor,
    readonly token: string,
    readonly symbol: string,
    readonly held: bigint,
    readonly needed: bigint,
    decimals: number,
    context: string,
  ) {
    const option = actor === "arbitrageur" ? "arbitrageurInventory" : "liquidityProviderInventory";
    super(
      `the world's ${actor} ran out of ${symbol} ${context}: it holds ${formatUnits(held, decimals)} and needs ` +
        `${formatUnits(needed, decimals)}; nothing is minted or wrapped for it after setup, so give it more ` +
        `(WorldOptions.${option}) or keep prices within the range the world was provisioned for`,
    );
    this.name = "WorldInventoryExhausted";
  }
}

const arbitrageurErrors: Interface = WorldArbitrageur__factory.createInterface();
const liquidityProviderErrors: Interface = WorldLiquidityProvider__factory.createInterface();

/** The revert data an ethers or Hardhat error carries, wherever it keeps it. */
function revertDataOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const record = current as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
    if (typeof record.data === "string" && record.data.startsWith("0x") && record.data.length >= 10) return record.data;
    if (typeof record.data === "object" && record.data !== null) {
      const nested = (record.data as { data?: unknown }).data;
      if (typeof nested === "string" && nested.startsWith("0x")) return nested;
    }
    current = record.error ?? record.info?.error ?? record.cause;
  }
  return undefined;
}

/**
 * Runs a world transaction and turns an inventory revert (the arbitrageur's or the liquidity
 * provider's) into a {@link WorldInventoryExhausted}; any other error is rethrown as it is.
 */
export async function asWorldInventoryError<T>(
  runner: ContractRunner,
  context: string,
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const data = revertDataOf(error);
    if (data === undefined) throw error;
    const parsed = arbitrageurErrors.parseError(data) ?? liquidityProviderErrors.parseError(data);
    if (parsed === null) throw error;
    let actor: WorldActor;
    let token: string;
    let held: bigint;
    let needed: bigint;
    switch (parsed.name) {
      case "WorldArbitrageur__InventoryExhausted":
        [actor, token, held, needed] = ["arbitrageur", ...(parsed.args as unknown as [string, bigint, bigint])];
        break;
      case "WorldLiquidityProvider__InventoryExhausted":
        [actor, token, held, needed] = ["liquidity provider", ...(parsed.args as unknown as [string, bigint, bigint])];
        break;
      default:
        throw error;
    }
    const erc20 = new Contract(
      token,
      ["function symbol() view returns (string)", "function decimals() view returns (uint8)"],
      runner,
    );
    const [symbol, decimals] = await Promise.all([
      erc20.getFunction("symbol")() as Promise<string>,
      erc20.getFunction("decimals")() as Promise<bigint>,
    ]);
    throw new WorldInventoryExhausted(actor, token, symbol, held, needed, Number(decimals), context);
  }
}
