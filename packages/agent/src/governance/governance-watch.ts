import { Contract, type Provider } from "ethers";

import { withRetry, type RetryOptions } from "../chain/retry.ts";
import { describeCall, type DescribedCall } from "./describe-call.ts";
import {
  readTimelockOperations,
  timelockDelayOf,
  TIMELOCK_ABI,
  type TimelockOperation,
} from "./timelock-operations.ts";

/** A scheduled change to this agent's trader or registry that is not executed or cancelled yet. */
export interface ScheduledChange {
  id: string;
  state: "waiting" | "ready";
  /** When it may be executed (seconds since the epoch, chain time). */
  readyAt: bigint;
  calls: DescribedCall[];
  /** Whether any of its calls changes what this agent's proofs mean or whether they land. */
  affectsTrades: boolean;
}

/** Who can change the trader, and what they have scheduled. */
export interface GovernanceView {
  /** The trader's owner. */
  owner: string;
  /** The owner's timelock delay, when the owner is a TimelockController; undefined: it acts at once. */
  minDelay?: bigint;
  /** The trader's guardian (who may pause at once), if the trader has one. */
  guardian?: string;
  /** Whether the owner's timelock also governs the registry (else registry changes are not visible here). */
  governsRegistry: boolean;
  changes: ScheduledChange[];
  /** Chain time of the block read. */
  now: bigint;
}

/** What the agent may do now: trade with this deadline, or wait and say why. */
export type TradeGate =
  | { trade: true; deadline: bigint; cappedBy?: ScheduledChange }
  | { trade: false; reason: string; changes: ScheduledChange[] };

const TRADER_ABI = [
  "function owner() view returns (address)",
  "function guardian() view returns (address)",
  "function modelRegistry() view returns (address)",
];
const REGISTRY_ABI = [
  "function GOVERNOR_ROLE() view returns (bytes32)",
  "function hasRole(bytes32, address) view returns (bool)",
];

/**
 * The agent's view of its vault's governance. Every change to what an agent may do goes through
 * the timelock that owns the trader (and governs the registry); a scheduled change can take effect
 * from its ready time on. The rule (`gate`): a proof is only made and sent if its transaction's
 * deadline can fall strictly before the earliest ready time of any pending change that affects
 * this agent's trades, and that leaves at least `minTradeWindowSeconds` to land; the deadline
 * is then capped there. The trader refuses a transaction after its deadline and the timelock
 * refuses an execution before the ready time, so the trade can never land after such a change:
 * it is proven and checked under the policy it executes under. Otherwise the agent waits (and
 * journals why) until the change is executed or cancelled.
 *
 * Operations are read from the timelock's CallScheduled events from `fromBlock` on, then only
 * the new blocks on each refresh; their states are read from the contract every time.
 */
export class GovernanceWatch {
  private owner?: string;
  private minDelay?: bigint;
  private cursor: number;
  private pending = new Map<string, TimelockOperation>();
  private registry?: string;

  constructor(
    private readonly provider: Provider,
    private readonly trader: string,
    /** This agent, and the model it names (unknown to `status`, which loads no model: any revocation counts). */
    private readonly mine: { agent: string; modelHash?: bigint },
    private readonly fromBlock = 0,
    private readonly retry?: RetryOptions,
  ) {
    this.cursor = fromBlock;
  }

  private rpc<T>(operation: () => Promise<T>): Promise<T> {
    return this.retry ? withRetry(operation, this.retry) : operation();
  }

  /** Reads the owner, its delay and the pending changes. */
  async view(): Promise<GovernanceView> {
    const trader = new Contract(this.trader, TRADER_ABI, this.provider);
    const owner = (await this.rpc(() => trader.getFunction("owner")())) as string;
    if (owner !== this.owner) {
      // A new owner (first read, or a hand-over): start the scan again.
      this.owner = owner;
      this.minDelay = await this.rpc(() => timelockDelayOf(this.provider, owner));
      this.cursor = this.fromBlock;
      this.pending.clear();
    }
    this.registry ??= (await this.rpc(() => trader.getFunction("modelRegistry")())) as string;
    const guardian = await this.rpc(() => trader.getFunction("guardian")() as Promise<string>).catch(() => undefined);
    const latest = await this.rpc(() => this.provider.getBlock("latest"));
    const now = BigInt(latest!.timestamp);
    if (this.minDelay === undefined) {
      return { owner, ...(guardian ? { guardian } : {}), governsRegistry: false, changes: [], now };
    }
    const registry = new Contract(this.registry, REGISTRY_ABI, this.provider);
    const governsRegistry = (await this.rpc(async () =>
      registry.getFunction("hasRole")(await registry.getFunction("GOVERNOR_ROLE")(), owner),
    )) as boolean;
    this.minDelay = await this.rpc(() => timelockDelayOf(this.provider, owner));
    if (latest!.number >= this.cursor) {
      const found = await this.rpc(() =>
        readTimelockOperations(this.provider, owner, { fromBlock: this.cursor, toBlock: latest!.number }),
      );
      for (const op of found) this.pending.set(op.id, op);
      this.cursor = latest!.number + 1;
    }
    const timelock = new Contract(owner, TIMELOCK_ABI, this.provider);
    const changes: ScheduledChange[] = [];
    for (const op of [...this.pending.values()]) {
      const timestamp = (await this.rpc(() => timelock.getFunction("getTimestamp")(op.id))) as bigint;
      if (timestamp <= 1n) {
        this.pending.delete(op.id); // executed (1) or cancelled (0): nothing pending
        continue;
      }
      const calls = op.calls.map((call) =>
        describeCall(call, { trader: this.trader, registry: this.registry!, timelock: owner }, this.mine),
      );
      const relevant = calls.some((c) => c.targetName === "trader" || c.targetName === "registry");
      if (!relevant) continue;
      changes.push({
        id: op.id,
        state: timestamp <= now ? "ready" : "waiting",
        readyAt: timestamp,
        calls,
        affectsTrades: calls.some((c) => c.affectsTrades),
      });
    }
    changes.sort((a, b) => (a.readyAt < b.readyAt ? -1 : a.readyAt > b.readyAt ? 1 : 0));
    return {
      owner,
      minDelay: this.minDelay,
      ...(guardian ? { guardian } : {}),
      governsRegistry,
      changes,
      now,
    };
  }

  /** Whether to prove now, and the deadline a trade proven now must carry (see the class comment). */
  async gate(deadlineSeconds: number, minTradeWindowSeconds: number): Promise<TradeGate> {
    const view = await this.view();
    const wanted = view.now + BigInt(deadlineSeconds);
    const blocking = view.changes.filter((c) => c.affectsTrades);
    const first = blocking[0];
    if (!first || first.readyAt > wanted) return { trade: true, deadline: wanted };
    const deadline = first.readyAt - 1n;
    if (deadline - view.now >= BigInt(minTradeWindowSeconds)) return { trade: true, deadline, cappedBy: first };
    const soon = blocking.filter((c) => c.readyAt - 1n - view.now < BigInt(minTradeWindowSeconds));
    const describe = (c: ScheduledChange) =>
      `${c.id.slice(0, 10)}… ${c.state === "ready" ? "executable now" : `executable from ${new Date(Number(c.readyAt) * 1000).toISOString()}`} (${c.calls
        .filter((call) => call.affectsTrades)
        .map((call) => call.text)
        .join("; ")})`;
    return {
      trade: false,
      reason: `a scheduled change could take effect before a trade proven now could land (less than ${minTradeWindowSeconds} s before it): waiting until it is executed or cancelled: ${soon.map(describe).join(", ")}`,
      changes: soon,
    };
  }
}

/** The governance part of `zkagent status`: who can change the vault, and what is scheduled, when. */
export function governanceStatus(view: GovernanceView): Record<string, unknown> {
  const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();
  return {
    owner: view.owner,
    timelock:
      view.minDelay === undefined
        ? "none: the owner is not a TimelockController, so its changes take effect at once and cannot be seen coming"
        : { address: view.owner, minDelaySeconds: view.minDelay, governsRegistry: view.governsRegistry },
    ...(view.guardian ? { guardian: view.guardian } : {}),
    scheduledChanges: view.changes.map((c) => ({
      id: c.id,
      state: c.state,
      takesEffectFrom: iso(c.readyAt),
      inSeconds: c.readyAt > view.now ? c.readyAt - view.now : 0n,
      affectsThisAgent: c.affectsTrades,
      calls: c.calls.map((call) => call.text),
    })),
  };
}
