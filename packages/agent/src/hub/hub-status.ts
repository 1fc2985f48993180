import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";
import { ACTION_NAMES, type Action } from "@zkagent/circuits";
import type { Provider } from "ethers";

import type { JournalView } from "../journal/journal.ts";

/** A publication as `status` shows it: the journal's record, and how many vaults followed each key. */
export interface PublicationStatus {
  hubNonce: string;
  /** "published" (the hub verified it), or the lifecycle state it stopped in. */
  state: string;
  txHash?: string;
  blockNumber?: number;
  reason?: string;
  markets: {
    id: string;
    key: string;
    roundId: string;
    action: string;
    sizeBps: string;
    /** SignalFollowed logs naming the key, from any vault (undefined: the node would not answer). */
    follows?: number;
  }[];
}

export interface HubStatus {
  hub: string;
  publications: PublicationStatus[];
  /** The last tick the hub already held the signal (nothing proven or sent). */
  lastCacheHit?: string;
  /** The own vault's last follow. */
  lastOwnFollow?: string;
  /** The keeper's last batch (config hub.keeper). */
  lastKeeperBatch?: string;
}

const FOLLOWED = DecentralizedTrader__factory.createInterface().getEvent("SignalFollowed");

/**
 * The hub path for one agent, read-only: its last publications from the journal and, for each
 * published key, how many vaults followed it (SignalFollowed logs by key, whatever the vault: one
 * indexed getLogs per key from the publication's block; a node that refuses such a query leaves
 * the count out).
 */
export async function hubStatus(options: {
  provider: Provider;
  hubAddress: string;
  journal?: JournalView;
  limit?: number;
}): Promise<HubStatus> {
  const { provider, journal } = options;
  const publications: PublicationStatus[] = [];
  for (const p of journal?.publications(options.limit ?? 5) ?? []) {
    const markets: PublicationStatus["markets"] = [];
    for (const [i, m] of p.publication.markets.entries()) {
      let follows: number | undefined;
      if (p.state === "executed" && p.blockNumber !== undefined) {
        try {
          const logs = await provider.getLogs({
            topics: [FOLLOWED.topicHash, m.key],
            fromBlock: p.blockNumber,
            toBlock: "latest",
          });
          follows = logs.length;
        } catch {
          follows = undefined;
        }
      }
      markets.push({
        id: p.publication.marketIds[i]!,
        key: m.key,
        roundId: m.roundId,
        action: ACTION_NAMES[m.action as Action],
        sizeBps: m.sizeBps,
        ...(follows === undefined ? {} : { follows }),
      });
    }
    publications.push({
      hubNonce: p.hubNonce,
      state: p.state === "executed" ? "published" : p.state,
      ...(p.txHash ? { txHash: p.txHash } : {}),
      ...(p.blockNumber === undefined ? {} : { blockNumber: p.blockNumber }),
      ...(p.reason ? { reason: p.reason } : {}),
      markets,
    });
  }
  const cached = journal?.last("hub-cached");
  const followed = journal?.last("hub-follow");
  const kept = journal?.last("hub-keeper");
  return {
    hub: options.hubAddress,
    publications,
    ...(cached && cached.kind === "hub-cached" ? { lastCacheHit: `${cached.at}: round ${cached.roundId}` } : {}),
    ...(followed && followed.kind === "hub-follow"
      ? {
          lastOwnFollow: `${followed.at}: round ${followed.roundId} ${followed.status}${followed.size ? `, size ${followed.size}` : ""}${followed.reason ? ` (${followed.reason})` : ""}`,
        }
      : {}),
    ...(kept && kept.kind === "hub-keeper"
      ? {
          lastKeeperBatch: `${kept.at}: round ${kept.roundId} ${kept.status}, ${kept.followed.length} followed, ${kept.skipped.length} left out${kept.skipped.length ? ` (${kept.skipped.map((s) => `${s.vault.slice(0, 10)}…: ${s.reason}`).join("; ")})` : ""}`,
        }
      : {}),
  };
}

/** `zkagent status`'s hub section: present on the hub path only. */
export async function hubSection(options: {
  path: string;
  hub?: { address: string };
  provider: Provider;
  journal?: JournalView;
}): Promise<{ hub?: HubStatus }> {
  if (options.path !== "hub" || !options.hub) return {};
  return {
    hub: await hubStatus({
      provider: options.provider,
      hubAddress: options.hub.address,
      ...(options.journal ? { journal: options.journal } : {}),
    }),
  };
}
