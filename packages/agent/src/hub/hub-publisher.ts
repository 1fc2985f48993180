import { performance } from "node:perf_hooks";

import {
  ACTION_NAMES,
  Action,
  SIGNAL_MARKET_COUNTS,
  SignalProver,
  bandFigures,
  evaluateSignal,
  pricesCommitment,
  type ProverOptions,
  type SignalMarketCount,
} from "@zkagent/circuits";

import type { RetryOptions } from "../chain/retry.ts";
import type { TraderClient } from "../chain/trader-client.ts";
import type { CycleDeps, CycleReport } from "../cycle.ts";
import { MalformedSignalError, PreflightError, TradeRevertedError, WindowUnavailableError } from "../errors.ts";
import type { StoredPublication } from "../journal/events.ts";
import type { Journal } from "../journal/journal.ts";
import type { Logger } from "../log.ts";
import { chainlinkFeed } from "../market/feed-abi.ts";
import { readFeedWindow, type Window } from "../market/read-window.ts";
import { parseSignal, type Signal } from "../signal/parse-signal.ts";
import { buildPrompt } from "../signal/prompt.ts";
import { FollowKeeper, type KeeperOptions, type KeeperOutcome } from "./follow-keeper.ts";
import { HubClient, type HubMarket } from "./hub-client.ts";
import { hubSignalOf } from "./hub-signal-of.ts";
import { unavailableWindow } from "../unavailable-window.ts";

/** The hub path's configuration (config `hub`). */
export interface HubPathOptions {
  /** The SignalHub. */
  address: string;
  /** The hub's market ids a signal covers (1, 2 or 4, increasing); default: the market of the trader's feed. */
  markets?: readonly number[];
  /** Follow the signal in the agent's own vault when it is subscribed to this agent (default true). */
  followOwnVault?: boolean;
  /** Execute each round's signal for these vaults too, in one FollowBatcher transaction. */
  keeper?: KeeperOptions;
}

/** What one tick did on the hub path (CycleReport.hub). */
export interface HubCycleOutcome {
  markets: { id: bigint; key?: string; action: "HOLD" | "BUY" | "SELL"; sizeBps: bigint }[];
  /** The hub already held every key's signal: nothing proven or sent (journaled hub-cached). */
  cached: boolean;
  /** The hub nonce the publication's proof was bound to. */
  hubNonce?: bigint;
  publicationTx?: string;
  /** The agent's own vault following the signal (journaled hub-follow), if it did or tried. */
  follow?: { status: "executed" | "reverted" | "refused"; txHash?: string; size?: bigint; reason?: string };
  /** The keeper's batch for the configured vaults (journaled hub-keeper), if any vault was due. */
  keeper?: KeeperOutcome;
}

/** A market this agent signals, with its window this tick. */
interface MarketWindow extends HubMarket {
  window: Window;
  /** Its feed is the trader's: the agent's own vault trades this market. */
  own: boolean;
}

/**
 * The hub path (config `path: "hub"`, mode "llm"). Each tick on a new round: the windows of the
 * configured markets, the LLM's signal for each (the same prompt as the verified path), the signal
 * rules checked off-chain (evaluateSignal), then the hub asked first — if it already holds a
 * verified signal under every key, nothing is proven (journaled hub-cached); else one proof for
 * all markets, bound to the hub's expected context, journaled before it is sent, and published.
 * A signal that is HOLD everywhere is not published (a follower cannot execute a HOLD). Then, if
 * the agent's own vault follows this agent on this hub, the agent calls followSignal on it.
 *
 * One SignalProver per market count, loaded once per process (the configured K at start).
 */
export class HubPublisher {
  private readonly provers = new Map<SignalMarketCount, Promise<SignalProver>>();

  private constructor(
    readonly hub: HubClient,
    readonly markets: readonly HubMarket[],
    /** The trader's feed (lower case). */
    private readonly ownFeed: string,
    readonly followOwnVault: boolean,
    private readonly keeper: FollowKeeper | undefined,
    private readonly proverOptions: ProverOptions,
    private readonly retry: RetryOptions,
  ) {}

  /**
   * Resolves the markets, checks the hub verifies proofs of that many markets, and loads the
   * prover. Refused (PreflightError) before anything is sent if the hub does not list the trader's
   * feed (default markets), an id is not listed, or the hub has no verifier for K.
   */
  static async start(
    options: HubPathOptions,
    client: TraderClient,
    ownFeed: string,
    proverOptions: ProverOptions,
    retry: RetryOptions,
  ): Promise<HubPublisher> {
    const hub = new HubClient(options.address, client, retry);
    const listed = await hub.listMarkets();
    let markets: HubMarket[];
    if (options.markets) {
      markets = options.markets.map((id) => {
        const market = listed[id];
        if (!market) {
          throw new PreflightError(`hub ${options.address} lists ${listed.length} markets: there is no market ${id}`);
        }
        return market;
      });
    } else {
      const own = listed.find((m) => m.feed.toLowerCase() === ownFeed.toLowerCase());
      if (!own) {
        throw new PreflightError(
          `hub ${options.address} lists no market for the trader's feed ${ownFeed}: the hub's owner adds it (addMarket), or set hub.markets`,
        );
      }
      markets = [own];
    }
    const k = markets.length as SignalMarketCount;
    if (!SIGNAL_MARKET_COUNTS.includes(k)) throw new PreflightError(`a signal covers 1, 2 or 4 markets, not ${k}`);
    if (/^0x0{40}$/i.test(await hub.verifierOf(k))) {
      throw new PreflightError(`hub ${options.address} has no verifier for ${k}-market signals (setVerifier)`);
    }
    const publisher = new HubPublisher(
      hub,
      markets,
      ownFeed.toLowerCase(),
      options.followOwnVault ?? true,
      options.keeper && new FollowKeeper(options.keeper, client, options.address, retry),
      proverOptions,
      retry,
    );
    await publisher.prover(k);
    return publisher;
  }

  /** The prover for `k` markets: loaded on first use (a partly cached signal may need a smaller K), then kept. */
  prover(k: SignalMarketCount): Promise<SignalProver> {
    let prover = this.provers.get(k);
    if (!prover) {
      prover = SignalProver.load(k, {}, this.proverOptions);
      this.provers.set(k, prover);
    }
    return prover;
  }

  /**
   * A reorganisation that undid a publication: the journal holds it published, but the hub's
   * nonce for this agent is not past it and its receipt is gone. It is journaled reorged and its
   * signed bytes are sent again by the trader client's recovery, like a trade's.
   */
  async detectReorg(journal: Journal, log: Logger): Promise<number> {
    const chainNonce = await this.hub.nonceOf(this.hub.client.wallet.address);
    let undone = 0;
    for (const publication of journal.publishedFrom(chainNonce)) {
      if (await this.hub.client.receipt(publication.txHash!)) continue;
      journal.trades.reorged(publication.txHash!);
      log.warn(
        `chain reorganisation: the publication for hub nonce ${publication.hubNonce} is no longer on chain; its signed transaction is sent again`,
        { tx: publication.txHash },
      );
      undone++;
    }
    return undone;
  }

  /**
   * A publication's receipt: journaled published (executed), then checked against the hub's
   * SignalVerified logs in it, which must name every journaled key (a mismatch is reported, never
   * guessed at). Recovery reaches the same record through the trader client's reconcile.
   */
  recordPublished(
    journal: Journal,
    publication: StoredPublication,
    txHash: string,
    receipt: { gasUsed: bigint; blockNumber: number; logs: readonly unknown[] },
    log: Logger,
  ): void {
    journal.trades.executed(txHash, receipt);
    const verified = this.hub.verifiedKeysIn(receipt as never, this.hub.client.wallet.address);
    const missing = publication.markets.filter((m) => !verified.includes(m.key));
    if (missing.length > 0) {
      log.warn(
        `publication ${txHash}: the hub's SignalVerified logs do not name ${missing.map((m) => m.key).join(", ")}`,
      );
    }
  }

  /** One tick of the hub path (see the class). */
  async runCycle(deps: CycleDeps, tick: number): Promise<CycleReport> {
    const { client, journal, log } = deps;
    const agent = client.wallet.address;
    const t0 = performance.now();
    const state = await client.state();
    const windows: MarketWindow[] = [];
    try {
      for (const market of this.markets) {
        const feed = chainlinkFeed(market.feed, client.wallet, this.retry);
        windows.push({
          ...market,
          window: await readFeedWindow(feed, deps.windowSize),
          own: market.feed.toLowerCase() === this.ownFeed,
        });
      }
    } catch (error) {
      if (!(error instanceof WindowUnavailableError)) throw error;
      const [roundId] = await deps.feed.latestRoundData();
      return unavailableWindow(deps, tick, roundId, state.position, error, t0);
    }
    const t1 = performance.now();
    // The report's figures are those of the trader's market (else the first).
    const lead = windows.find((w) => w.own) ?? windows[0]!;
    const band = bandFigures(lead.window.prices, state.thresholdBps);
    const report: CycleReport = {
      tick,
      roundId: lead.window.roundId,
      latestPrice: band.latestPrice,
      movingAverage: band.movingAverage,
      lowerBand: band.lowerBand / 10_000n,
      upperBand: band.upperBand / 10_000n,
      position: state.position,
      verdict: "hold",
      timingsMs: { data: t1 - t0, inference: 0, precheck: 0 },
    };

    // The LLM's signal for each market: the verified path's prompt (its own vault's position for
    // the trader's market; no position elsewhere, where the agent holds nothing).
    const texts: string[] = [];
    for (const w of windows) {
      if (!deps.model) throw new Error("the hub path needs the LLM (mode llm)");
      const prompt = buildPrompt({
        prices: w.window.prices,
        position: w.own ? state.position : 0n,
        maxPosition: state.maxPosition,
        thresholdBps: state.thresholdBps,
        sizing: "cap", // a signal is the same fraction of every follower's cap
      });
      const { text } = await deps.model.generate(prompt, {
        temperature: deps.temperature,
        ...(deps.seed === undefined ? {} : { seed: deps.seed }),
      });
      texts.push(text);
    }
    const t2 = performance.now();
    report.timingsMs.inference = t2 - t1;
    const record = () =>
      journal.append({
        kind: "cycle",
        tick,
        roundId: report.roundId.toString(),
        latestPrice: report.latestPrice.toString(),
        movingAverage: report.movingAverage.toString(),
        signal: texts.length === 1 ? texts[0]! : JSON.stringify(texts),
        verdict: report.verdict,
        ...(report.rule ? { rule: report.rule } : {}),
        ...(report.reason ? { reason: report.reason } : {}),
        timingsMs: report.timingsMs,
      });

    let signals: Signal[];
    try {
      signals = texts.map((text) => parseSignal(text));
    } catch (error) {
      if (!(error instanceof MalformedSignalError)) throw error;
      report.verdict = "malformed";
      report.reason = error.message;
      log.warn(`tick ${tick}: ${error.message}`);
      record();
      return report;
    }
    const proposed = signals.map(hubSignalOf);
    const outcome: HubCycleOutcome = {
      markets: windows.map((w, i) => ({
        id: w.id,
        action: ACTION_NAMES[proposed[i]!.action],
        sizeBps: proposed[i]!.sizeBps,
      })),
      cached: false,
    };
    report.hub = outcome;
    const leadIndex = windows.indexOf(lead);
    report.signal = signals[leadIndex]!;
    report.action = ACTION_NAMES[proposed[leadIndex]!.action];
    report.size = (state.maxPosition * proposed[leadIndex]!.sizeBps) / 10_000n;

    if (proposed.every((p) => p.action === Action.HOLD)) {
      report.timingsMs.precheck = performance.now() - t2;
      report.reason = "HOLD is not published: a following vault cannot execute it (HoldNotExecutable)";
      record();
      log.info(`tick ${tick}: HOLD, not published`, { round: report.roundId });
      return report;
    }
    const verdict = evaluateSignal({
      markets: windows.map((w, i) => ({ prices: w.window.prices, ...proposed[i]! })),
      thresholdBps: state.thresholdBps,
    });
    const t3 = performance.now();
    report.timingsMs.precheck = t3 - t2;
    if (!verdict.compliant) {
      report.verdict = "refused";
      report.rule = verdict.rule;
      report.reason = `market ${windows[verdict.market]!.id}: ${verdict.reason}`;
      record();
      log.info(`tick ${tick}: signal refused by the signal rules (${verdict.rule}): nothing proven or sent`, {
        reason: report.reason,
      });
      return report;
    }
    report.verdict = "compliant";
    record();

    // Ask the hub first: a signal under the same key (publisher, feed, round, window, model,
    // policy) is already verified; proving it again would be refused (SignalAlreadyVerified).
    const statements = await Promise.all(
      windows.map(async (w, i) => {
        const commitment = pricesCommitment(w.window.prices);
        const key = await this.hub.keyOf(
          agent,
          w.feed,
          w.window.roundId,
          commitment,
          deps.modelHash,
          state.thresholdBps,
        );
        outcome.markets[i]!.key = key;
        return { w, proposed: proposed[i]!, commitment, key, held: await this.hub.signalOf(key) };
      }),
    );
    const uncached = statements.filter((s) => s.held.verifiedAt === 0n);
    const ownStatement = statements.find((s) => s.w.own);
    if (uncached.length === 0) {
      outcome.cached = true;
      journal.append({
        kind: "hub-cached",
        tick,
        roundId: report.roundId.toString(),
        keys: statements.map((s) => s.key),
        verifiedAt: statements.map((s) => s.held.verifiedAt.toString()),
      });
      log.info(`tick ${tick}: the hub already holds this round's signal: nothing proven or sent`, {
        keys: statements.map((s) => s.key),
      });
      if (ownStatement) await this.followOwn(deps, tick, report, ownStatement);
      return report;
    }
    const k = uncached.length as SignalMarketCount;
    if (!SIGNAL_MARKET_COUNTS.includes(k)) {
      report.reason = `${uncached.length} of the ${statements.length} markets are not cached and no circuit proves ${uncached.length} markets: not published`;
      log.warn(`tick ${tick}: ${report.reason}`);
      return report;
    }

    const { hubNonce, context } = await this.hub.binding(agent);
    outcome.hubNonce = hubNonce;
    const proof = await (
      await this.prover(k)
    ).prove({
      markets: uncached.map((s) => ({ prices: s.w.window.prices, roundId: s.w.window.roundId, ...s.proposed })),
      thresholdBps: state.thresholdBps,
      modelHash: deps.modelHash,
      context,
    });
    report.timingsMs.witness = proof.timings.witnessMs;
    report.timingsMs.prove = proof.timings.proveMs;
    const publication: StoredPublication = {
      hub: this.hub.address,
      marketIds: uncached.map((s) => s.w.id.toString()),
      thresholdBps: state.thresholdBps.toString(),
      modelHash: deps.modelHash.toString(),
      markets: uncached.map((s) => ({
        key: s.key,
        feed: s.w.feed,
        roundId: s.w.window.roundId.toString(),
        pricesCommitment: s.commitment.toString(),
        action: Number(s.proposed.action),
        sizeBps: s.proposed.sizeBps.toString(),
      })),
    };
    // Journaled before anything is signed: a crash from here on is settled by recovery.
    journal.trades.publicationProved(hubNonce, proof.publicSignals, publication);

    const t4 = performance.now();
    try {
      const txHash = await this.hub.publish(
        uncached.map((s) => s.w.id),
        proof,
        hubNonce,
        journal,
      );
      const t5 = performance.now();
      report.timingsMs.submit = t5 - t4;
      report.txHash = txHash;
      outcome.publicationTx = txHash;
      const confirmed = await client.confirm(txHash);
      report.timingsMs.confirm = performance.now() - t5;
      report.outcome = confirmed.status;
      if (confirmed.status !== "executed") {
        log.warn(`tick ${tick}: publication sent, not mined yet; each tick re-checks it`, { tx: txHash });
        return report;
      }
      report.gasUsed = confirmed.receipt.gasUsed;
      this.recordPublished(journal, publication, txHash, confirmed.receipt, log);
      log.info(`tick ${tick}: signal published for ${k} market(s)`, { tx: txHash, gas: confirmed.receipt.gasUsed });
    } catch (error) {
      if (!(error instanceof TradeRevertedError)) throw error;
      report.reason = error.reason;
      if (!error.txHash && !error.journaled && error.reason.startsWith("RoundSuperseded")) {
        report.outcome = "superseded";
        journal.trades.superseded(hubNonce, `${error.reason}; re-proving on the next round`, "publication");
        log.info(`tick ${tick}: a newer oracle round landed after the proof (${error.reason}): re-proving next tick`);
        return report;
      }
      report.outcome = "reverted";
      if (error.journaled) {
        // publish() already journaled it
      } else if (error.receipt && error.txHash) {
        journal.trades.reverted(error.txHash, error.receipt, error.reason);
      } else if (!error.txHash) {
        journal.trades.abandoned({ traderNonce: hubNonce, of: "publication" }, `simulation reverted: ${error.reason}`);
      }
      log.warn(`tick ${tick}: publication not made: ${error.reason}`);
      return report;
    }
    // the trader's market is now verified (published here, or cached before)
    if (ownStatement) {
      await this.followOwn(deps, tick, report, ownStatement);
      await this.keepFollowers(deps, tick, report, ownStatement);
    }
    return report;
  }

  /**
   * Executes this round's signal for the keeper's vaults (config hub.keeper) in one batch, if the
   * signal trades and any vault is due; journals what was followed, left out or skipped.
   */
  private async keepFollowers(
    deps: CycleDeps,
    tick: number,
    report: CycleReport,
    statement: { w: MarketWindow; proposed: { action: Action }; commitment: bigint },
  ): Promise<void> {
    if (!this.keeper || statement.proposed.action === Action.HOLD) return;
    const { journal, log } = deps;
    const roundId = statement.w.window.roundId;
    const outcome = await this.keeper.keep({
      roundId,
      pricesCommitment: statement.commitment,
      modelHash: deps.modelHash,
    });
    if (!outcome) return;
    journal.append({
      kind: "hub-keeper",
      tick,
      roundId: roundId.toString(),
      status: outcome.status,
      followed: outcome.followed,
      skipped: outcome.skipped,
      ...(outcome.txHash ? { txHash: outcome.txHash } : {}),
      ...(outcome.gasUsed === undefined ? {} : { gasUsed: outcome.gasUsed.toString() }),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    });
    report.hub!.keeper = outcome;
    const said = `${outcome.followed.length} vault(s) followed, ${outcome.skipped.length} left out`;
    if (outcome.status === "reverted") log.warn(`tick ${tick}: keeper's batch reverted: ${outcome.reason}`);
    else log.info(`tick ${tick}: keeper: ${said}`, { tx: outcome.txHash, gas: outcome.gasUsed });
  }

  /**
   * Follows this round's signal in the agent's own vault, if configured, the vault is subscribed
   * to this agent on this hub, has not followed this round, and the signal trades. Simulated first:
   * a refusal (nothing to follow, a limit) is journaled with its reason and nothing is sent. Not
   * journaled before it is sent: the vault follows a round at most once, so a follow lost in a
   * crash is at worst made by a keeper or not at all, never twice.
   */
  private async followOwn(
    deps: CycleDeps,
    tick: number,
    report: CycleReport,
    statement: { w: MarketWindow; proposed: { action: Action }; commitment: bigint; key: string },
  ): Promise<void> {
    if (!this.followOwnVault || statement.proposed.action === Action.HOLD) return;
    const { client, journal, log } = deps;
    const trader = client.trader;
    const [hub, publisher, lastRound] = await Promise.all([
      trader.signalHub(),
      trader.signalPublisher(),
      trader.lastFollowedRound(),
    ]);
    if (
      hub.toLowerCase() !== this.hub.address.toLowerCase() ||
      publisher.toLowerCase() !== client.wallet.address.toLowerCase() ||
      lastRound >= statement.w.window.roundId
    ) {
      return; // not subscribed to this agent here, or the round was followed (by a keeper, or before a stop)
    }
    const base = {
      kind: "hub-follow" as const,
      tick,
      roundId: statement.w.window.roundId.toString(),
      key: statement.key,
    };
    const sent = await this.hub.follow(client.traderAddress, {
      roundId: statement.w.window.roundId,
      pricesCommitment: statement.commitment,
      modelHash: deps.modelHash,
    });
    if ("refused" in sent) {
      journal.append({ ...base, status: "refused", reason: sent.refused });
      report.hub!.follow = { status: "refused", reason: sent.refused };
      log.info(`tick ${tick}: own vault does not follow: ${sent.refused} (nothing sent)`);
      return;
    }
    try {
      const confirmed = await client.confirm(sent.txHash);
      if (confirmed.status !== "executed") {
        report.hub!.follow = { status: "executed", txHash: sent.txHash, reason: "not mined yet" };
        return;
      }
      const followed = confirmed.receipt.logs
        .map((l) =>
          l.address.toLowerCase() === client.traderAddress.toLowerCase() ? trader.interface.parseLog(l) : null,
        )
        .find((parsed) => parsed?.name === "SignalFollowed");
      const size = followed ? BigInt(followed.args.size as bigint) : undefined;
      const bought = followed ? Number(followed.args.action) === Action.BUY : true;
      journal.append({
        ...base,
        status: "executed",
        txHash: sent.txHash,
        ...(size === undefined ? {} : { size: size.toString() }),
      });
      report.hub!.follow = { status: "executed", txHash: sent.txHash, ...(size === undefined ? {} : { size }) };
      if (size !== undefined) report.positionAfter = bought ? report.position + size : report.position - size;
      log.info(`tick ${tick}: own vault followed the signal`, { tx: sent.txHash, size });
    } catch (error) {
      if (!(error instanceof TradeRevertedError)) throw error;
      journal.append({ ...base, status: "reverted", txHash: sent.txHash, reason: error.reason });
      report.hub!.follow = { status: "reverted", txHash: sent.txHash, reason: error.reason };
      log.warn(`tick ${tick}: own vault's follow reverted: ${error.reason}`);
    }
  }

  /** Ends every loaded prover's worker threads. */
  async close(): Promise<void> {
    for (const prover of this.provers.values()) await (await prover).close();
  }
}
