import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";

import { WINDOW_SIZE, type ProverChoice } from "@zkagent/circuits";
import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";
import {
  deployWorld,
  deployZkagent,
  hardhatWallet,
  marketOf,
  movePoolToPrice,
  pushPrice,
} from "@zkagent/contracts/world";
import { Transaction, parseEther, parseUnits } from "ethers";

import { Agent, SHIPPED_DECISION_MODEL } from "../agent.ts";
import { auditTrades, type AuditedTrade } from "../audit/audit-trades.ts";
import type { DecisionMode } from "../cycle.ts";
import { AgentError } from "../errors.ts";
import { memoryLogger } from "../log.ts";
import { ensureTinyModel } from "../model/bundled-model.ts";
import { modelHashOf } from "../model/model-file.ts";
import { loadProvenModelFile } from "../model/proven/model-file.ts";
import { createReplayChain, type SessionChain } from "./backtest-chain.ts";
import { tradeCost, type BacktestTick } from "./backtest-figures.ts";
import { BacktestState } from "./backtest-state.ts";
import type { PriceHistory } from "./price-history.ts";

export const WINDOW = WINDOW_SIZE;
/** The replayed vault's policy: a 2 ETH cap, trade beyond ±1 % of the 30-round average, 1 % slippage bound. */
export const BACKTEST_POLICY = {
  maxPosition: parseEther("2"),
  thresholdBps: 100n,
  maxSlippageBps: 100n,
  maxOracleAge: 3600n,
  poolFee: 3000n,
};
export const START_WETH = parseEther("1");
export const START_USDC = parseUnits("10000", 6);
/** Rounds of a history without timestamps are this far apart on the replay's clock. */
export const DEFAULT_INTERVAL_SECONDS = 3600;
/** The clock of a history without timestamps starts here (any fixed date: runs must be repeatable). */
const UNTIMED_START = Date.UTC(2025, 0, 1) / 1000;
/** The chain starts this long before the first round: the sequencer feed is up past its grace period by then. */
const GENESIS_LEAD_SECONDS = 7200;

/** A resumed run whose replayed books differ from what its state file recorded. */
export class BacktestResumeError extends AgentError {
  override readonly name = "BacktestResumeError";
}

export interface BacktestProgress {
  /** Ticks done (resumed ones included) and the run's total. */
  done: number;
  total: number;
  /** The round's time of the tick just done. */
  roundTime: number;
  /** Seconds since this process started ticking, and the estimate for what is left. */
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface BacktestOptions {
  history: PriceHistory;
  /** At most this many ticks (default: every round after the first window). */
  maxTicks?: number;
  mode?: DecisionMode;
  temperature: number;
  seed: number;
  /** The agent's journal and (without modelPath) the bundled tiny model: emptied at start (a new chain every run). */
  dataDir: string;
  modelPath?: string;
  threads?: number;
  prover?: ProverChoice;
  /** Seconds between the rounds of a history without timestamps (default 3600). */
  intervalSeconds?: number;
  /** Record each completed tick here and resume from it (see BacktestState); absent: not resumable. */
  stateFile?: string;
  /** Discard the state file's ticks and start over. */
  restart?: boolean;
  /**
   * Skip what cannot change a trade: the per-tick audit of each executed trade (one audit of every
   * trade runs at the end instead). Inference, proofs, the pool and the oracle run as always.
   */
  fast?: boolean;
  onTick?: (tick: BacktestTick, progress: BacktestProgress) => void;
  /** Told before the agent starts when ticks were replayed from the state file. */
  onResume?: (ticks: number) => void;
  /** Asked between ticks: stop after the current one (Ctrl-C). */
  shouldStop?: () => boolean;
}

export interface BacktestResult {
  ticks: BacktestTick[];
  history: PriceHistory;
  /** The round times the chain's clock followed, one per point of the history. */
  roundTimes: number[];
  modelPath: string;
  /** The hash the proofs name: the GGUF's (mode "llm") or the proven model's commitment. */
  modelHash: bigint;
  /** The GGUF's hash (`zkagent model hash`): the attested model in mode llm, the adviser otherwise. */
  ggufHash: bigint;
  mode: DecisionMode;
  traderAddress: string;
  startVault: { weth: bigint; usdc: bigint };
  vault: { weth: bigint; usdc: bigint };
  finalPosition: bigint;
  /** Every executed trade re-verified from the chain (zkagent audit's checks). */
  audit: { trades: number; verified: number; failures: number };
  /** The keeper's recordings of each round's window (paid once per round for the feed, not by the trades). */
  windowRecordings: { rounds: number; totalGas: bigint };
  /** Ticks replayed from the state file, not run again. */
  resumedTicks: number;
  /** Stopped (shouldStop) before the last tick. */
  interrupted: boolean;
  /** This call's wall time: set-up, resumed ticks replayed, ticks run and the audit (seconds). */
  sessionSeconds: number;
  chain: SessionChain;
}

/** The times the replay's clock gives each round: the history's, or evenly spaced. */
export function roundTimesOf(history: PriceHistory, intervalSeconds = DEFAULT_INTERVAL_SECONDS): number[] {
  return history.points.map((p, i) => (history.timed ? p.timestamp! : UNTIMED_START + i * intervalSeconds));
}

function pricesDigest(history: PriceHistory, times: number[]): string {
  const hash = createHash("sha256");
  history.points.forEach((p, i) => hash.update(`${p.price}@${times[i]}\n`));
  return hash.digest("hex");
}

/**
 * The demo's and the backtest's one session: a new in-process chain with the real world (Uniswap
 * V3, Chainlink's mock feed) and the zkagent contracts; the model registered, one agent
 * authorised, the vault funded; then, for each round of `history` after the first window, one
 * oracle round (at the round's time on the chain's clock), the pool arbitraged to it, and one real
 * agent cycle (inference, pre-check, proof, executeTrade), its trade audited from the chain.
 *
 * Resuming (stateFile): the run's completed ticks are replayed without the agent (each round
 * pushed, the pool moved, each executed trade's signed transaction sent again, byte for byte) and
 * the vault's books compared with what was recorded, then the agent carries on at the next tick.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const { history, temperature, seed, dataDir } = options;
  const sessionStarted = performance.now();
  const mode = options.mode ?? "llm+model";
  const intervalSeconds = options.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  const prices = history.points.map((p) => p.price);
  const roundTimes = roundTimesOf(history, intervalSeconds);
  const available = prices.length - (WINDOW - 1);
  const total = Math.min(options.maxTicks ?? available, available);
  if (total < 1)
    throw new RangeError(`runBacktest: ${prices.length} prices leave no tick after a ${WINDOW}-round window`);

  rmSync(dataDir, { recursive: true, force: true }); // a new chain every run: never recover an old journal
  mkdirSync(dataDir, { recursive: true });
  const modelPath = options.modelPath ?? ensureTinyModel(dataDir);
  const ggufHash = await modelHashOf(modelPath);
  const provenCommitment = mode === "llm" ? 0n : (await loadProvenModelFile(SHIPPED_DECISION_MODEL)).commitment;
  const modelHash = mode === "llm" ? ggufHash : provenCommitment;

  const opened = options.stateFile
    ? BacktestState.open(
        options.stateFile,
        {
          prices: pricesDigest(history, roundTimes),
          mode,
          seed,
          temperature,
          model: `0x${ggufHash.toString(16)}/0x${provenCommitment.toString(16)}`,
          intervalSeconds: history.timed ? 0 : intervalSeconds,
        },
        options.restart,
      )
    : undefined;
  const completed = (opened?.completed ?? []).slice(0, total);

  const { ethers, networkHelpers } = await createReplayChain(roundTimes[0]! - GENESIS_LEAD_SECONDS);
  const [deployer, agentSigner, arbitrageur] = await ethers.getSigners();
  const world = await deployWorld(deployer!, { initialPrice: prices[0]! });
  const zkagent = await deployZkagent(deployer!, await marketOf(world), BACKTEST_POLICY, {
    owner: deployer!.address,
    governor: deployer!.address,
  });
  const { registry, trader } = zkagent;
  const traderAddress = await trader.getAddress();
  if (mode === "llm") {
    await registry.register(
      modelHash,
      options.modelPath ? "operator model" : "zkagent tiny stand-in",
      "1",
      `file://${modelPath}`,
    );
  } else {
    // The proven decision model shipped with the agent; the LLM (if any) only advises it.
    await registry.registerProven(modelHash, "zkagent decision model v1", "1", "packages/agent/models");
  }
  await registry.approve(modelHash);
  const agentWallet = hardhatWallet(1, ethers.provider);
  if (agentWallet.address !== agentSigner!.address) throw new Error("hardhat account 1 is not the agent's wallet");
  await trader.setAgentAuthorization(agentWallet.address, true);
  await world.weth.deposit({ value: START_WETH });
  await world.weth.approve(traderAddress, START_WETH);
  await trader.deposit(await world.weth.getAddress(), START_WETH);
  await world.usdc.mint(deployer!.address, START_USDC);
  await world.usdc.approve(traderAddress, START_USDC);
  await trader.deposit(await world.usdc.getAddress(), START_USDC);

  // A keeper records each round's window, as on a live feed (once per round for every vault and
  // agent on it), so each trade's gas is a trade's, not the recording's.
  const windowRecordings = { rounds: 0, totalGas: 0n };
  /** Pushes round i at its time, arbitrages the pool to it, and records its window as a keeper. */
  const publishRound = async (i: number) => {
    const latest = await networkHelpers.time.latest();
    await networkHelpers.time.setNextBlockTimestamp(Math.max(roundTimes[i]!, latest + 1));
    await pushPrice(world.priceFeed, prices[i]!);
    await movePoolToPrice(world, arbitrageur!, prices[i]!);
    const recorded = await (await zkagent.windowLog.connect(arbitrageur!).record()).wait();
    windowRecordings.rounds++;
    windowRecordings.totalGas += recorded!.gasUsed;
  };
  // The first window's history (deployWorld published round 0).
  for (let i = 1; i < WINDOW - 1; i++) {
    const latest = await networkHelpers.time.latest();
    await networkHelpers.time.setNextBlockTimestamp(Math.max(roundTimes[i]!, latest + 1));
    await pushPrice(world.priceFeed, prices[i]!);
  }
  const startVault = { weth: START_WETH, usdc: START_USDC };
  const readVault = async () => ({
    weth: await world.weth.balanceOf(traderAddress),
    usdc: await world.usdc.balanceOf(traderAddress),
  });

  // Resume: the completed ticks again, without the agent.
  for (const done of completed) {
    await publishRound(WINDOW - 1 + done.report.tick);
    if (done.rawTransaction) {
      const sent = await ethers.provider.broadcastTransaction(done.rawTransaction);
      const receipt = await sent.wait();
      if (receipt?.status !== 1) {
        throw new BacktestResumeError(
          `resuming: tick ${done.report.tick}'s recorded trade ${sent.hash} did not execute again; the state file does not match this chain: pass --restart`,
        );
      }
    }
  }
  if (completed.length > 0) {
    const vault = await readVault();
    const position = await trader.positionOf(agentWallet.address);
    const last = completed.at(-1)!;
    if (vault.weth !== last.vault.weth || vault.usdc !== last.vault.usdc || position !== last.position) {
      throw new BacktestResumeError(
        `resuming after tick ${last.report.tick}: the replayed vault holds ${vault.weth} wei and ${vault.usdc} USDC units, position ${position}, where the state file recorded ${last.vault.weth}, ${last.vault.usdc}, ${last.position}: pass --restart`,
      );
    }
    options.onResume?.(completed.length);
  }

  const ticks: BacktestTick[] = [...completed];
  const audit = { trades: 0, verified: 0, failures: 0 };
  for (const done of completed) {
    if (done.audited) {
      audit.trades++;
      if (done.audited.verified) audit.verified++;
      else audit.failures++;
    }
  }
  const auditBlocks = async (fromBlock: number, toBlock: number) =>
    auditTrades({ provider: ethers.provider, traderAddress, fromBlock, paging: { toBlock } });

  let interrupted = false;
  if (completed.length < total) {
    const agent = await Agent.start({
      wallet: agentWallet,
      traderAddress,
      chainId: (await ethers.provider.getNetwork()).chainId,
      dataDir,
      modelPath,
      mode,
      temperature,
      seed,
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.prover ? { prover: options.prover } : {}),
      log: memoryLogger(),
    });
    const traderEvents = DecentralizedTrader__factory.createInterface();
    const started = performance.now();
    try {
      for (let tick = completed.length; tick < total; tick++) {
        if (options.shouldStop?.()) {
          interrupted = true;
          break;
        }
        const round = WINDOW - 1 + tick;
        await publishRound(round);
        const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
        const result = await agent.tick(tick);
        if ("skipped" in result) throw new Error(`tick ${tick} skipped: ${result.skipped}`);
        const done: BacktestTick = {
          report: result,
          roundTime: roundTimes[round]!,
          vault: await readVault(),
          position: await trader.positionOf(agentWallet.address),
        };
        if (result.outcome === "executed" && result.txHash) {
          const receipt = await ethers.provider.getTransactionReceipt(result.txHash);
          const event = receipt?.logs
            .map((log) => {
              try {
                return traderEvents.parseLog(log);
              } catch {
                return null;
              }
            })
            .find((parsed) => parsed?.name === "TradeExecuted");
          if (event && (result.action === "BUY" || result.action === "SELL")) {
            done.trade = tradeCost(
              result.action,
              event.args.amountIn as bigint,
              event.args.amountOut as bigint,
              result.latestPrice,
              Number(BACKTEST_POLICY.poolFee),
            );
          }
          const sent = await ethers.provider.getTransaction(result.txHash);
          if (sent) done.rawTransaction = Transaction.from(sent).serialized;
          if (!options.fast) {
            const report = await auditBlocks(fromBlock, receipt!.blockNumber);
            done.audited = auditedOf(report.trades, result.txHash);
            audit.trades++;
            if (done.audited.verified) audit.verified++;
            else audit.failures++;
          }
        }
        ticks.push(done);
        opened?.state.append(done);
        const elapsedSeconds = (performance.now() - started) / 1000;
        const ran = tick - completed.length + 1;
        options.onTick?.(done, {
          done: tick + 1,
          total,
          roundTime: done.roundTime,
          elapsedSeconds,
          etaSeconds: (elapsedSeconds / ran) * (total - tick - 1),
        });
      }
    } finally {
      await agent.close();
      opened?.state.close();
    }
  } else {
    opened?.state.close();
  }

  if (ticks.some((t) => t.report.outcome === "executed" && t.report.txHash && !t.audited)) {
    // One audit of every trade not audited yet (--fast, or resumed from a --fast run's state file):
    // replayed trades keep their hashes, so the audit finds them on this chain.
    const report = await auditBlocks(0, await ethers.provider.getBlockNumber());
    for (const t of ticks) {
      if (t.audited || !t.report.txHash || t.report.outcome !== "executed") continue;
      t.audited = auditedOf(report.trades, t.report.txHash);
      audit.trades++;
      if (t.audited.verified) audit.verified++;
      else audit.failures++;
    }
  }

  return {
    ticks,
    history,
    roundTimes,
    modelPath,
    modelHash,
    ggufHash,
    mode,
    traderAddress,
    startVault,
    vault: await readVault(),
    finalPosition: await trader.positionOf(agentWallet.address),
    audit,
    windowRecordings,
    resumedTicks: completed.length,
    interrupted,
    sessionSeconds: (performance.now() - sessionStarted) / 1000,
    chain: {
      ethers,
      networkHelpers,
      world,
      zkagent,
      deployer: deployer!,
      agent: agentSigner!,
      arbitrageur: arbitrageur!,
    },
  };
}

function auditedOf(trades: AuditedTrade[], txHash: string): NonNullable<BacktestTick["audited"]> {
  const trade = trades.find((t) => t.txHash === txHash);
  if (!trade) return { verified: false, failedChecks: ["the audit did not find the trade"] };
  const v = trade.values;
  return {
    verified: trade.verified,
    failedChecks: trade.checks.filter((c) => c.status === "fail").map((c) => c.name),
    ...(v
      ? {
          publicInputs: {
            pricesCommitment: v.pricesCommitment,
            roundId: v.roundId,
            latestPrice: v.latestPrice,
            position: v.position,
            size: v.size,
            maxPosition: v.maxPosition,
            thresholdBps: v.thresholdBps,
            modelHash: v.modelHash,
            context: v.context,
            ...(v.advice === undefined ? {} : { advice: v.advice }),
          },
        }
      : {}),
  };
}
