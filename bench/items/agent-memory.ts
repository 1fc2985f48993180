import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { meanRevertingPath } from "@zkagent/agent";
import { modelCommitment } from "@zkagent/circuits";
import { hardhatWallet, movePoolToPrice, pushPrice } from "@zkagent/contracts/world";
import { parseEther } from "ethers";

import { deployAgentWorld } from "../../scripts/lib/agent-world.ts";
import { startHardhatNode } from "../../scripts/lib/hardhat-node.ts";
import type { ChildConfig, MemoryMark } from "./agent-memory-child.ts";
import { handMadeModel } from "./hand-made-model.ts";

/** One configuration of the agent, alone in its process, against a `hardhat node` in another. */
export interface AgentMemoryRun {
  mode: ChildConfig["mode"];
  prover: ChildConfig["prover"];
  ticks: number;
  executed: number;
  /** getrusage's maxrss of the agent's process (worker threads included). */
  peakRssMb: number;
  /** RSS after each loading step, the first trade and the last tick (see MemoryMark). */
  marks: MemoryMark[];
  /** RSS after each tick. */
  rssByTick: number[];
  /** How the ticks ended (executed, hold, refused, …); absent from older runs. */
  outcomes?: Record<string, number>;
}

export interface AgentMemoryFigures {
  measuredAt: string;
  loadAverage: { before: number[]; after: number[] };
  runs: AgentMemoryRun[];
}

/**
 * Peak RSS of the agent as an operator runs it (`zkagent run`: its imports, model, prover and
 * journal, no chain of its own), for each mode: a `hardhat node` in another process holds the
 * chain; this process deploys the world and moves the market (a new round and an arbitrage before
 * every tick); the agent runs in a child process (agent-memory-child.ts) whose memory is its own.
 */
export async function benchAgentMemory(
  configs: { mode: ChildConfig["mode"]; prover: ChildConfig["prover"] }[],
  ticks: number,
): Promise<AgentMemoryFigures> {
  const before = loadavg();
  const runs: AgentMemoryRun[] = [];
  for (const { mode, prover } of configs) runs.push(await measure(mode, prover, ticks));
  return {
    measuredAt: new Date().toISOString(),
    loadAverage: { before: before.map(round2), after: loadavg().map(round2) },
    runs,
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

async function measure(
  mode: ChildConfig["mode"],
  prover: ChildConfig["prover"],
  ticks: number,
): Promise<AgentMemoryRun> {
  // The soak's market: volatile enough that the tiny model's signals trade now and then.
  const path = meanRevertingPath({ seed: 5, length: 30 + ticks, volatility: 0.02, reversion: 0.3 });
  const node = await startHardhatNode();
  try {
    const aw = await deployAgentWorld(node.url, {
      policy: {
        maxPosition: parseEther("2"),
        thresholdBps: 30n,
        maxSlippageBps: 100n,
        maxOracleAge: 3600n,
        poolFee: 3000n,
      },
      vaultWeth: "2",
      vaultUsdc: "100000",
      prices: path.slice(0, 29),
    });
    aw.provider.pollingInterval = 25;
    if (mode !== "llm") {
      // The hand-made model (see hand-made-model.ts): the shipped one holds on this market.
      const commitment = modelCommitment(handMadeModel());
      await (await aw.registry.registerProven(commitment, "hand-made mean reversion", "1", "bench://model")).wait();
      await (await aw.registry.approve(commitment)).wait();
    }
    const arbitrageur = hardhatWallet(2, aw.provider);
    let round = 29;
    const config: ChildConfig = {
      nodeUrl: node.url,
      traderAddress: aw.traderAddress,
      dataDir: aw.dataDir,
      modelPath: aw.modelPath,
      mode,
      prover,
      threads: 1,
      ...(mode === "llm" ? {} : { decisionModel: "hand-made" as const }),
    };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "agent-memory-child.ts"), JSON.stringify(config)],
      {
        stdio: ["pipe", "pipe", "inherit"],
        cwd: join(import.meta.dirname, "../.."),
      },
    );
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`agent-memory child (${mode}, ${prover}) exited early`);
      return JSON.parse(value as string) as Record<string, unknown>;
    };
    const rssByTick: number[] = [];
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < ticks; i++) {
      const price = path[round++]!;
      await movePoolToPrice(aw.world, arbitrageur, price);
      await pushPrice(aw.world.priceFeed, price);
      child.stdin!.write("tick\n");
      const answer = (await next()) as { rssMb: number; outcome: string };
      rssByTick.push(answer.rssMb);
      outcomes[answer.outcome] = (outcomes[answer.outcome] ?? 0) + 1;
    }
    child.stdin!.write("end\n");
    const last = (await next()) as { marks: MemoryMark[]; executed: number; maxRssMb: number };
    aw.provider.destroy();
    return {
      mode,
      prover,
      ticks,
      executed: last.executed,
      peakRssMb: last.maxRssMb,
      marks: last.marks,
      rssByTick,
      outcomes,
    };
  } finally {
    await node.stop();
  }
}
