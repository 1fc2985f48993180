import type { FederatedFigures } from "./items/federated.ts";
import { proofSystemsSection } from "./render-proof-systems.ts";
import type { FrameGas } from "./items/gas-profile.ts";
import type { PathsGasFigures } from "./items/paths-gas.ts";
import type { ProverBackendFigures } from "./items/prover-backends.ts";
import type { BenchResults } from "./run.ts";
import {
  DEFAULT_ARBITRUM_PRICES,
  EXECUTE_OPTIMISTIC_CALLDATA_BYTES,
  EXECUTE_TRADE_CALLDATA_BYTES,
  FINALIZE_CLAIM_CALLDATA_BYTES,
  FOLLOW_SIGNAL_CALLDATA_BYTES,
  RECORD_CALLDATA_BYTES,
  followAllCalldataBytes,
  finalizeManyCalldataBytes,
  publishSignalCalldataBytes,
  arbitrumCost,
  arbitrumFormula,
} from "./arbitrum-cost.ts";

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? "—"
    : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A small line chart (SVG) of y against x, for the growth figures. */
export function lineChart(
  title: string,
  points: { x: number; y: number | null }[],
  xLabel: string,
  yLabel: string,
): string {
  const W = 520;
  const H = 260;
  const pad = { l: 64, r: 16, t: 32, b: 40 };
  const present = points.filter((p): p is { x: number; y: number } => p.y !== null);
  const maxX = Math.max(...points.map((p) => p.x));
  const maxY = Math.max(...present.map((p) => p.y), 1);
  const x = (v: number) => pad.l + (v / maxX) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / maxY) * (H - pad.t - pad.b);
  const path = present.map((p, i) => `${i ? "L" : "M"}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join("");
  const dots = present
    .map(
      (p) =>
        `<circle cx="${x(p.x)}" cy="${y(p.y)}" r="4"/><text x="${x(p.x)}" y="${y(p.y) - 8}" text-anchor="middle">${fmt(p.y)}</text>`,
    )
    .join("");
  const ticks = points
    .map((p) => `<text x="${x(p.x)}" y="${H - pad.b + 16}" text-anchor="middle">${p.x}</text>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" fill="#333">
<rect width="100%" height="100%" fill="#fff"/><text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>
<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#999"/><line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}" stroke="#999"/>
<path d="${path}" fill="none" stroke="#4a6fa5" stroke-width="2"/><g fill="#4a6fa5">${dots}</g>${ticks}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">${xLabel}</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">${yLabel}</text></svg>
`;
}

/** Ours against the CLI, as two bars (SVG). */
export function latencyChart(oursMs: number, cliMs: number): string {
  const W = 520;
  const H = 150;
  const max = Math.max(oursMs, cliMs);
  const bar = (label: string, ms: number, yPos: number, colour: string) =>
    `<text x="8" y="${yPos + 17}">${label}</text><rect x="200" y="${yPos}" width="${((W - 290) * ms) / max}" height="24" fill="${colour}"/><text x="${206 + ((W - 290) * ms) / max}" y="${yPos + 17}">${fmt(ms)} ms</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12" fill="#333">
<rect width="100%" height="100%" fill="#fff"/><text x="${W / 2}" y="20" text-anchor="middle" font-size="13">Median time per Groth16 proof (lower is better)</text>
${bar("prover API, warm in-process", oursMs, 40, "#1a9850")}${bar("snarkjs CLI per proof", cliMs, 80, "#d73027")}</svg>
`;
}

/** Each circuit's three provers as bars (SVG). */
export function backendsChart(b: ProverBackendFigures): string {
  const W = 560;
  const rowH = 26;
  const rows = b.circuits.flatMap((c) => [
    [`${c.circuit}: snarkjs CLI per proof`, c.snarkjsCli.median, "#d73027"] as const,
    [`${c.circuit}: snarkjs warm`, c.snarkjsWarm.median, "#fc8d59"] as const,
    ...(c.native ? [[`${c.circuit}: native warm`, c.native.median, "#1a9850"] as const] : []),
  ]);
  const max = Math.max(...rows.map(([, ms]) => ms));
  const H = 50 + rows.length * (rowH + 6);
  const bars = rows
    .map(([label, ms, colour], i) => {
      const yPos = 36 + i * (rowH + 6);
      const w = ((W - 300) * ms) / max;
      return `<text x="8" y="${yPos + 17}">${label}</text><rect x="210" y="${yPos}" width="${w}" height="${rowH - 4}" fill="${colour}"/><text x="${216 + w}" y="${yPos + 16}">${fmt(ms)} ms</text>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12" fill="#333">
<rect width="100%" height="100%" fill="#fff"/><text x="${W / 2}" y="20" text-anchor="middle" font-size="13">Median time per Groth16 proof, witness included (lower is better)</text>
${bars}</svg>
`;
}

function profileTable(snarkjsProfile: Record<string, number>, nativeProfile: Record<string, number> | null): string {
  const rows = [
    ...Object.entries(snarkjsProfile).map(([phase, ms]) => `| snarkjs | ${phase} | ${fmt(ms, 1)} |`),
    ...Object.entries(nativeProfile ?? {}).map(([phase, ms]) => `| native | ${phase} | ${fmt(ms, 1)} |`),
  ];
  return `| backend | phase | median ms |\n| --- | --- | ---: |\n${rows.join("\n")}`;
}

function backendsSection(b: ProverBackendFigures | undefined): string {
  if (!b) return "Not in this run (it predates the native backend).";
  const native = b.native.available
    ? `ffiasm, ${b.native.field} field`
    : `**unavailable on the measuring machine** (${b.native.reason})`;
  const rows = b.circuits
    .map(
      (c) =>
        `| ${c.circuit} | ${fmt(c.constraints)} | ${fmt(c.snarkjsCli.median)} ms | ${fmt(c.snarkjsWarm.median)} ms | ${c.native ? `${fmt(c.native.median)} ms` : "—"} | **${fmt(c.ratios.nativeVsCli, 1)}×** | **${fmt(c.ratios.nativeVsWarm, 1)}×** | ${fmt(c.ratios.warmVsCli, 1)}× | ${c.portable ? `${fmt(c.portable.median)} ms (${fmt(c.ratios.portableVsWarm, 1)}× warm)` : "—"} |`,
    )
    .join("\n");
  const loads = b.circuits
    .filter((c) => c.nativeLoadMs !== null)
    .map((c) => `${c.circuit} ${fmt(c.nativeLoadMs)} ms and ${fmt(c.nativeTablesMb, 1)} MB`)
    .join(", ");
  const sum = (p: Record<string, number>, match: (phase: string) => boolean = () => true) =>
    Object.entries(p)
      .filter(([phase]) => match(phase))
      .reduce((total, [, ms]) => total + ms, 0);
  const isMsm = (phase: string) => phase.startsWith("MSM");
  const share = (part: number, whole: number) => `${fmt((100 * part) / whole)} %`;
  const summary = (c: ProverBackendFigures["circuits"][number]) => {
    const js = c.profile.snarkjs;
    const jsTotal = sum(js);
    const outsideText = (phasesAndWitness: number, warm: number) => {
      const outside = warm - phasesAndWitness;
      return outside < 0.1 * warm
        ? `phases and witness ${fmt(phasesAndWitness)} ms against a warm median of ${fmt(warm)} ms (profile and rounds measured apart): within this machine's noise: little time goes outside these phases`
        : `phases and witness ${fmt(phasesAndWitness)} ms against a warm median of ${fmt(warm)} ms: about ${fmt(outside)} ms outside the phases (worker messaging, JavaScript around the calls)`;
    };
    const lines = [
      `snarkjs: the five MSMs take ${fmt(sum(js, isMsm))} ms of its ${fmt(jsTotal)} ms of phases (${share(sum(js, isMsm), jsTotal)}; the G2 MSM alone ${fmt(js["MSM B2 (G2)"])} ms), A, B, C and the FFTs ${fmt(js["A, B, C and the FFTs"])} ms, the witness ${fmt(c.witnessMs, 1)} ms; ${outsideText(jsTotal + c.witnessMs, c.snarkjsWarm.median)}.`,
    ];
    if (c.profile.native && c.native) {
      const nat = c.profile.native;
      const natTotal = sum(nat);
      lines.push(
        `native: MSMs ${fmt(sum(nat, isMsm))} ms of ${fmt(natTotal)} ms (${share(sum(nat, isMsm), natTotal)}), FFTs ${fmt(nat["FFTs (9 of size n) and A·B−C"])} ms, the R1CS check ${fmt(nat["R1CS check of the witness"], 1)} ms; ${outsideText(natTotal + c.witnessMs, c.native.median)}. The MSMs, H's and the G2 one above all, are where more speed would come from.`,
      );
    }
    return lines.map((line) => `- ${line}`).join("\n");
  };
  const profiles = b.circuits
    .map(
      (c) =>
        `**${c.circuit}** (${fmt(c.constraints)} constraints; the circom witness, the same for both: ${fmt(c.witnessMs, 1)} ms):\n\n${profileTable(c.profile.snarkjs, c.profile.native)}\n\n${summary(c)}`,
    )
    .join("\n\n");
  return `Measured ${b.measuredAt}; native backend: ${native}. **The machine was shared with other work** (1-minute load average ${fmt(b.loadAverage[0], 2)} before, ${fmt(b.loadAverage[1], 2)} after): absolute times are noisy, the ratios within this run are what to read. Each round proves the same statement with each contender in turn, after a warm-up (rounds: ${b.circuits.map((c) => `${c.circuit} ${c.snarkjsWarm.n}`).join(", ")}).

| circuit | constraints | snarkjs CLI per proof | snarkjs warm | native warm | native vs CLI | native vs warm | warm vs CLI | native, portable C++ field |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows}

All times include the witness. The last column is the native prover built without nasm (the portable field a machine without nasm or BMI2/ADX gets), measured in the same rounds. Loading the native prover (zkey parse and the fixed-base tables, once per process): ${loads || "—"}.

![prover backends](plots/prover-backends.svg)

### Where the time goes

Median per phase over the same witness. snarkjs's phases are delimited by its own debug messages (its six FFTs run inside "A, B, C and the FFTs"); the native prover times its own. snarkjs runs its MSMs and FFTs in worker threads, so their start-up (once per process) and messaging fall inside those phases. What the native prover does differently: field arithmetic in x86-64 assembly instead of WebAssembly, OpenMP threads instead of workers and messages, fixed-base MSMs over tables precomputed at load (the zkey's points never change), and witness values 0 and 1 skipping the multiplication (packages/prover-native/README.md).

${profiles}`;
}

function arbitrumRows(g: BenchResults["gas"]): string {
  const usd = (x: number) => `$${x.toFixed(4)}`;
  const rows: [string, number, number][] = [
    ["`executeTrade` BUY", g.executeTradeBuy, EXECUTE_TRADE_CALLDATA_BYTES],
    ["`executeTrade` SELL", g.executeTradeSell, EXECUTE_TRADE_CALLDATA_BYTES],
    ["`WindowLog.record()`, next round", g.window.recordNextRound, RECORD_CALLDATA_BYTES],
    ["`WindowLog.record()`, after a quiet period", g.window.recordAfterQuietPeriod, RECORD_CALLDATA_BYTES],
  ];
  return rows
    .map(([name, gas, bytes]) => {
      const cost = arbitrumCost(gas, bytes, DEFAULT_ARBITRUM_PRICES);
      return `| ${name} | ${fmt(gas)} | ${bytes} | ${usd(cost.l2Usd)} | ${usd(cost.l1Usd)} | ${usd(cost.totalUsd)} |`;
    })
    .join("\n");
}

const loadText = (l: number[] | undefined) => (l ? l.map((v) => v.toFixed(1)).join(" / ") : "not recorded");

/** The agent cycle: every step over all cycles, and the executed trades' steps (tick → receipt). */
function agentCycleSection(a: BenchResults["agentCycle"]): string {
  const steps = Object.entries(a.steps)
    .map(([step, s]) => {
      const e = a.executedSteps?.[step];
      return `| ${step} | ${s.n} | ${fmt(s.median, 1)} | ${fmt(s.p90, 1)} | ${e ? fmt(e.median, 1) : "—"} |`;
    })
    .join("\n");
  const untimed = a.executedSteps?.untimed;
  const share = (k: string) => {
    const m = a.executedSteps?.[k]?.median;
    return m === undefined ? "—" : `${fmt((m / a.executedCycleMs.median) * 100, 0)} %`;
  };
  const prover = a.prover ? `, prover ${a.prover}` : "";
  return `${a.cycles} cycles of the demo's session (mode llm${prover}), ${a.executed} of which proved and executed a trade; peak RSS of the process (agent, in-process chain, market and per-trade audit) ${fmt(a.peakRssMb)} MB. Load average ${loadText(a.loadAverage?.before)} (1 / 5 / 15 min) before, ${loadText(a.loadAverage?.after)} after (2 vCPU, shared): compare the steps' shares, not their absolute times, with other runs.

| step | cycles | median ms | p90 ms | median ms, executed trades |
| --- | ---: | ---: | ---: | ---: |
${steps}
${untimed ? `| untimed (journal writes, state reads between steps) | ${untimed.n} | — | — | ${fmt(untimed.median, 1)} |\n` : ""}| whole cycle, executed trades (tick → receipt) | ${a.executedCycleMs.n} | ${fmt(a.executedCycleMs.median, 1)} | ${fmt(a.executedCycleMs.p90, 1)} | ${fmt(a.executedCycleMs.median, 1)} |
| whole cycle, any verdict | ${a.anyCycleMs.n} | ${fmt(a.anyCycleMs.median, 1)} | ${fmt(a.anyCycleMs.p90, 1)} | |
${a.executedSteps ? `\nShares of an executed trade's median cycle: prove ${share("prove")}, submit ${share("submit")}, inference ${share("inference")}, data ${share("data")}, witness ${share("witness")}, recovery ${share("recovery")}, gate ${share("gate")}.\n` : ""}`;
}

/** Peak RSS: before / after, the demo's session and the agent alone, with where it goes. */
function agentMemorySection(r: BenchResults): string {
  const m = r.agentMemory;
  if (!m) return "";
  const runs = (r.agentRssRuns ?? [])
    .map((run) => {
      const alone = (mode: string, prover: string) =>
        fmt(run.alone.find((a) => a.mode === mode && a.prover === prover)?.peakRssMb);
      return `| ${run.date.slice(0, 16).replace("T", " ")} | ${run.label || "—"} | ${run.commit} | ${fmt(run.sessionPeakRssMb)} | ${alone("llm", "auto")} | ${alone("llm+model", "auto")} | ${alone("llm", "snarkjs")} | ${loadText(run.loadAverage)} |`;
    })
    .join("\n");
  // Every run's steps in order, a step one run lacks placed after the step it follows in another.
  const stages: string[] = [];
  for (const run of m.runs) {
    run.marks.forEach((k, i) => {
      if (stages.includes(k.stage)) return;
      const after = i === 0 ? -1 : stages.indexOf(run.marks[i - 1]!.stage);
      stages.splice(after + 1, 0, k.stage);
    });
  }
  const header = m.runs.map((run) => `${run.mode}, ${run.prover}`).join(" | ");
  const marks = stages
    .map(
      (stage) =>
        `| ${stage} | ${m.runs.map((run) => fmt(run.marks.find((k) => k.stage === stage)?.rssMb)).join(" | ")} |`,
    )
    .join("\n");
  return `### Agent peak RSS

The agent as an operator runs it (\`zkagent run\`: no chain of its own) in a process of its own, against a \`hardhat node\` in another; the bench moves the market before each of ${m.runs[0]?.ticks ?? 0} ticks (\`npx pnpm bench --only agent\`, ${m.measuredAt.slice(0, 16).replace("T", " ")} UTC, load average ${loadText(m.loadAverage.before)}). Peak RSS is getrusage's maxrss (worker threads included); the demo's session adds the in-process chain (Hardhat's EDR with the deployed world, about 80 MB), the market and the auditor to the same process. Mode llm+model proves with the contract tests' hand-made model (bench/items/hand-made-model.ts: the shipped model's architecture, so its circuit, prover and memory), since the shipped model holds on every window of this market and would prove nothing (runs before 2026-11-24 06:00 measured it so: no proof in that column).

| measured | what | commit | demo session (in-process chain) | alone: llm, auto | alone: llm+model, auto | alone: llm, snarkjs | load average |
| --- | --- | --- | ---: | ---: | ---: | ---: | --- |
| 2026-11-21 21:19 | the bench's first agent-cycle run (snarkjs prover; the per-trade audit's worker curve) | — | 592 | — | — | — | not recorded |
${runs}

Where it goes (RSS in MB after each step, this run; "auto" is the native prover here):

| step | ${header} |
| --- | ${m.runs.map(() => "---:").join(" | ")} |
${marks}
| peak (maxrss) | ${m.runs.map((run) => fmt(run.peakRssMb)).join(" | ")} |
| ticks: executed / other outcomes | ${m.runs
    .map((run) =>
      [
        fmt(run.executed),
        ...Object.entries(run.outcomes ?? {})
          .filter(([k]) => k !== "executed")
          .map(([k, n]) => `${n} ${k}`),
      ].join(" / "),
    )
    .join(" | ")} |
`;
}

/** BENCHMARKS.md from one run's results. */
export function renderMarkdown(r: BenchResults): string {
  const p = r.proofLatency;
  const g = r.gas;
  const a = r.agentCycle;
  const growth = r.growth
    .map(
      (pt) =>
        `| ${pt.windowSize} | ${fmt(pt.constraints)} | 2^${pt.ptauPowerNeeded} | ${fmt(pt.compileMs / 1000, 1)} s | ${pt.setupMs === null ? "—" : `${fmt(pt.setupMs / 1000, 1)} s`} | ${fmt(pt.proveMedianMs)} | ${fmt(pt.proveMaxRssMb)} |${pt.note ? ` ${pt.note}` : ""}`,
    )
    .join("\n");
  const breakdown = Object.entries(g.buyBreakdown)
    .map(([part, gas]) => `| ${part} | ${fmt(gas)} | ${fmt((gas / g.executeTradeBuy) * 100, 1)} % |`)
    .join("\n");
  const inference = r.inference
    .map(
      (i) =>
        `| ${i.model} | ${i.threads} | ${fmt(i.msPerSignal.median, 1)} | ${fmt(i.msPerSignal.p90, 1)} | ${fmt(i.tokensPerSecond.median)} |`,
    )
    .join("\n");
  return `# Benchmarks

Generated by \`pnpm bench${r.quick ? " --quick" : ""}\` on ${r.machine.date} — ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.platform}. Raw samples: \`bench/results/latest.json\`${r.quick ? ". **Quick mode: one sample per item; the figures are indicative only.**" : ""}.

Every comparison is measured in the same run, alternating the contenders after a warm-up. Absolute times on a shared 2-core machine are noisy; ratios are the figures to trust.

## Proof latency: the prover API against the obvious way

| | median | p90 |
| --- | ---: | ---: |
| prover API, warm in-process (witness + prove) | ${fmt(p.ours.total.median)} ms | ${fmt(p.ours.total.p90)} ms |
| — witness | ${fmt(p.ours.witness.median, 1)} ms | ${fmt(p.ours.witness.p90, 1)} ms |
| — prove | ${fmt(p.ours.prove.median)} ms | ${fmt(p.ours.prove.p90)} ms |
| one \`snarkjs groth16 fullprove\` CLI process per proof | ${fmt(p.snarkjsCli.median)} ms | ${fmt(p.snarkjsCli.p90)} ms |
| **speed-up** | **${fmt(p.ratio, 2)}×** | |

First proof in a fresh process (load + prove): ${fmt(p.ours.cold)} ms. Off-chain verify: ${fmt(p.verifyMs.median, 1)} ms median. Proof size: ${p.proofCalldataBytes} bytes as calldata (8 words), ${p.proofJsonBytes} bytes as snarkjs JSON.

![proof latency](plots/proof-latency.svg)

## Prover backends: snarkjs (the reference) and the native prover

${backendsSection(r.proverBackends)}

## The shipped circuit

${fmt(r.circuit.constraints)} constraints, ${r.circuit.publicInputs} public inputs; it needs a Powers of Tau of 2^${r.circuit.ptauPower} (the committed phase-1 file is 2^14, shared with the proven-model circuit). Groth16 setup ${fmt(r.circuit.setupMs / 1000, 1)} s here.

## Gas (in-process chain, real Uniswap V3, L2 configuration with the sequencer feed)

| call | gas |
| --- | ---: |
| verifier call (estimate − 21 000 intrinsic) | ${fmt(g.verifyProof)} |
| \`executeTrade\` BUY (receipt) | ${fmt(g.executeTradeBuy)} |
| \`executeTrade\` SELL (receipt) | ${fmt(g.executeTradeSell)} |
| pairing floor for ${g.publicInputs} public inputs (45 000 + 4 × 34 000 + ${g.publicInputs} × 6 150) | ${fmt(g.pairingFloor)} |
| verifier above the floor | ${fmt(g.verifierAboveFloor)} |

Where a BUY's gas goes (each part measured as a standalone call; inside the trade some slots are already warm, so this is an approximation):

| part | gas | share |
| --- | ---: | ---: |
${breakdown}

## The on-chain window check (design chosen by measurement)

Measured in this run on a real-shaped feed (Chainlink's aggregator proxy over an OCR2-shaped aggregator; MockV3Aggregator is cheaper than a real feed): \`latestRoundData\` through the proxy ${fmt(g.window.latestRoundData)} gas cold; \`WindowLog.record()\` for the next round (one round read, Poseidon over the window, one commitment stored) ${fmt(g.window.recordNextRound)} gas per transaction, after a quiet period (30 rounds read) ${fmt(g.window.recordAfterQuietPeriod)}; so each extra round read costs about ${fmt((g.window.recordAfterQuietPeriod - g.window.recordNextRound) / 29)} gas.

| design | added to every trade | recording | circuit | verdict |
| --- | ---: | --- | --- | --- |
| read 30 rounds and recompute the commitment in the trade | ≈ ${fmt(g.window.recordAfterQuietPeriod - 21_000)} (the log's 30-round recording, done per trade) | — | unchanged | too expensive |
| read 30 rounds, window as 10 more public inputs | ≈ ${fmt(g.window.recordAfterQuietPeriod - g.window.recordNextRound + 10 * 7_000)} (29 extra reads + 10 × ~7k pairing inputs) | — | + 10 public inputs | too expensive |
| Poseidon hash chain the circuit opens (one public input, the head) | one slot read | every round folded (~21k Poseidon + read + store), or a 30-round catch-up | + ~7.3k constraints (30 × Poseidon(2)): proof time ~2.5× | proof time over the 2× target |
| **WindowLog (shipped)**: per-feed record of the commitment to the 30 rounds ending at each round, computed on-chain from the feed | **≈ ${fmt(g.window.checkInTrade + 2_600)}** (one cold \`commitmentOf\` call: the standalone estimate ${fmt(g.window.checkInTrade)} plus the 2 600 cold-account access that a transaction's own target is spared) | ${fmt(g.window.recordNextRound)} per recorded round, once for every vault and agent on the feed; at most 30 rounds read after a quiet period; the first trade on a round records it if no keeper did | + 423 constraints (the commitment becomes a tree of 5-limb Poseidon leaves the chain can afford) | **chosen** |

## The proven-model circuit (policy + an 8-16-2 int8 model in one proof)

Warm in-process proofs of the shipped circuits, alternating in one run: proven model ${fmt(r.modelCircuit.shipped.model.median)} ms median (p90 ${fmt(r.modelCircuit.shipped.model.p90)}), policy v1 ${fmt(r.modelCircuit.shipped.policy.median)} ms: **${fmt(r.modelCircuit.shipped.ratio, 2)}×** the policy-only proof. The proven model's trade costs the same verifier gas (five public inputs either way; see the gas snapshot).

| N | hidden units | constraints | Powers of Tau | compile | setup | prove median (ms, fullProve) |
| ---: | ---: | ---: | --- | ---: | ---: | ---: |
${r.modelCircuit.growth.map((g) => `| ${g.windowSize} | ${g.hidden} | ${fmt(g.constraints)} | 2^${g.ptauPowerNeeded} | ${fmt(g.compileMs / 1000, 1)} s | ${g.setupMs === null ? "—" : `${fmt(g.setupMs / 1000, 1)} s`} | ${g.proveMedianMs === null ? "—" : fmt(g.proveMedianMs)} |${g.note ? ` ${g.note}` : ""}`).join("\n")}

![constraints against hidden width](plots/model-constraints.svg) ![prove time against hidden width](plots/model-prove.svg)

${pathsSection(r.pathsGas)}

${federatedSection(r.federated)}

${proofSystemsSection(r.proofSystems)}

## Cost per trade on Arbitrum One

At stated prices (L2 base fee ${DEFAULT_ARBITRUM_PRICES.l2GasPriceGwei} gwei, Arbitrum One's floor; ${DEFAULT_ARBITRUM_PRICES.l1PricePerUnitGwei} gwei per L1 calldata unit; ETH at $${fmt(DEFAULT_ARBITRUM_PRICES.ethUsd)}): ${arbitrumFormula(DEFAULT_ARBITRUM_PRICES)}. Re-run with today's prices: \`tsx bench/arbitrum-cost.ts --l2-gwei … --l1-gwei-per-unit … --eth-usd …\`.

| transaction | L2 gas | calldata bytes | L2 execution | L1 data | total |
| --- | ---: | ---: | ---: | ---: | ---: |
${arbitrumRows(g)}

The recording is paid once per oracle round for every vault and agent on the feed (by a keeper, or by the first trade on the round).

## Agent cycle (tiny model, in-process chain)

${agentCycleSection(a)}
${agentMemorySection(r)}
## Growth with the window

| N | constraints | Powers of Tau | compile | setup | prove median (ms) | prover peak RSS (MB) |
| ---: | ---: | --- | ---: | ---: | ---: | ---: |
${growth}

Constraints grow linearly, about ${fmt(r.growthSlope, 0)} per price (a 64-bit range check, a non-zero check and a share of the Poseidon hashing of the packed window). Power 13 holds windows up to about ${fmt(r.windowAtPower[13])} prices, power 14 up to about ${fmt(r.windowAtPower[14])}, power 15 up to about ${fmt(r.windowAtPower[15])}.

![constraints against N](plots/growth-constraints.svg) ![prove time against N](plots/growth-prove.svg)

## Inference

| model | threads | ms per signal (median) | p90 | tokens/s |
| --- | ---: | ---: | ---: | ---: |
${inference}

## Reproduce

- \`pnpm bench\` — everything above (about 5 minutes here); \`pnpm bench --quick\` — one sample of each (CI runs it so the suite cannot rot; CI asserts no timing).
- \`pnpm bench --only backends\` measures the prover backends alone (about 2 minutes here) and merges them into \`latest.json\` and this file.
- \`pnpm bench --only paths\` measures the gas of the three paths (verified, optimistic, signal hub) alone (about a minute here) and merges them the same way.
- \`pnpm bench --only agent [--label text]\` runs the agent cycle and the agent's peak RSS alone (about 4 minutes here) and merges them the same way; each run's peak RSS is kept in \`latest.json\` (\`agentRssRuns\`, the last six) under its label, so a change shows before and after.
- \`pnpm bench --model path/to/model.gguf\` adds an operator's own GGUF to the inference table.
- Growth beyond N = 60 needs a power-14 Powers of Tau: \`tsx circuits/scripts/phase1.ts 14 bench/tmp/pot14.ptau\` (about 9 minutes here), cached in \`bench/tmp\` (ignored by git).

## Not measured here

- GPU inference and proving: no accelerator on these machines (node-llama-cpp's CUDA/Vulkan builds are not installed by default).
- Other native provers: rapidsnark and the arkworks WebAssembly provers are not obtainable from the npm registry here; the native backend is this repository's own (packages/prover-native, on ffiasm).
- Real-chain gas: Arbitrum's L1 data fee is not modelled by the in-process chain. The trade rows above use MockV3Aggregator; the window rows and \`packages/contracts/gas-snapshot.json\` use the real-shaped feed.
`;
}

/** The three paths side by side: today's verified trade, the optimistic path, the signal hub. */
export function pathsSection(f: PathsGasFigures | undefined): string {
  if (!f) return "## One proof, many trades\n\nNot measured in this run: `pnpm bench --only paths`.";
  const publish = Object.entries(f.hub.publish)
    .map(([k, gas]) => `| publishSignal, ${k} | ${fmt(gas)} |`)
    .join("\n");
  const ks = [...new Set(f.hub.amortized.map((a) => a.k))];
  const vaults = [...new Set(f.hub.amortized.map((a) => a.vaults))];
  const rows = ks
    .map(
      (k) =>
        `| K = ${k} | ${vaults.map((v) => fmt(f.hub.amortized.find((a) => a.k === k && a.vaults === v)!.perTrade)).join(" | ")} |`,
    )
    .join("\n");
  const byMarket = [...new Set(f.hub.follows.map((x) => x.market))]
    .map((m) => {
      const gas = f.hub.follows.filter((x) => x.market === m).map((x) => x.gas);
      return `${m} ${fmt(Math.min(...gas))}–${fmt(Math.max(...gas))}`;
    })
    .join(", ");
  return `## One proof, many trades: the signal hub and the optimistic path

Measured ${f.measuredAt} in one world and one run (\`pnpm bench --only paths\`; in-process chain, the shared world's four markets with real Uniswap V3 pools and mock feeds, real generated verifiers and real proofs; steady state: windows recorded, usage slots in use).

| path | gas |
| --- | ---: |
| verified BUY (\`executeTrade\`, verification included) | ${fmt(f.verifiedBuy)} |
| optimistic BUY (\`executeOptimistic\`, claim opened) | ${fmt(f.optimistic.buy)} |
| challenge a claim | ${fmt(f.optimistic.challenge)} |
| answer a challenge with the proof | ${fmt(f.optimistic.answer)} |
| finalise an unchallenged claim | ${fmt(f.optimistic.finalize)} |${f.optimistic.finalizeTwo ? `\n| finalise two claims in one \`finalizeMany\` | ${fmt(f.optimistic.finalizeTwo)} |` : ""}
${publish}
| followSignal (mean of ${f.hub.follows.length}; ${byMarket}) | ${fmt(f.hub.followMean)} |

Amortised gas per executed trade through the hub, (publishSignal_K + V·K follows) / (V·K), for V following vaults per market and K markets per proof, against ${fmt(f.verifiedBuy)} for a verified trade:

| | ${vaults.map((v) => `V = ${v}`).join(" | ")} |
| --- | ${vaults.map(() => "---:").join(" | ")} |
${rows}

![amortised gas per trade](plots/paths-gas.svg)

On Arbitrum One at the prices of the section below (${arbitrumFormula(DEFAULT_ARBITRUM_PRICES)}), per executed trade:

| path | L2 execution | L1 data | total |
| --- | ---: | ---: | ---: |
${pathsArbitrumRows(f)}

At these prices the L1 data is half the cost or more: the optimistic path saves L2 gas but pays a second transaction's envelope to finalise, so on Arbitrum it is barely cheaper than a verified trade unless claims are finalised in batches (\`finalizeMany\`, the row above); the hub halves the cost per trade once a signal serves eight vaults.

${floorsTable(f)}

${batchedSection(f)}

${profilesSection(f)}

The floor of the hub path is the follow itself (${fmt(f.hub.followMean)} alone: the oracle and limit checks and the pool's swap). The optimistic path costs ${fmt(f.optimistic.buy)} per trade when unchallenged plus ${fmt(f.optimistic.finalize)} to finalise, or the answer's ${fmt(f.optimistic.answer)} when challenged.`;
}

/** The hub's follows batched by a keeper: measured per (K, V), and the 180k target at 8 trades per proof. */
function batchedSection(f: PathsGasFigures): string {
  const batched = f.hub.batched ?? [];
  if (!batched.length) return "";
  const ks = [...new Set(batched.map((b) => b.k))];
  const vaults = [...new Set(batched.map((b) => b.vaults))];
  const cell = (k: number, v: number) => batched.find((b) => b.k === k && b.vaults === v);
  const rows = ks
    .map((k) => `| K = ${k} | ${vaults.map((v) => fmt(cell(k, v)?.perTrade ?? 0)).join(" | ")} |`)
    .join("\n");
  const atEight = batched.filter((b) => b.k * b.vaults === 8).sort((a, b) => a.perTrade - b.perTrade);
  const best = atEight[0];
  const verdict = best
    ? `At 8 trades per verification the best is K = ${best.k}, V = ${best.vaults}: ${fmt(best.perTrade)} per trade (publish ${fmt(best.publish)}, the batch of 8 follows ${fmt(best.batch)}), ${best.perTrade <= 180_000 ? "within" : "above"} the issue's target of 180,000; ${atEight
        .slice(1)
        .map((b) => `K = ${b.k}, V = ${b.vaults}: ${fmt(b.perTrade)}`)
        .join("; ")}.`
    : "";
  return `Measured, not derived: a keeper executes every follow of a proof in one \`FollowBatcher.followAll\` transaction (each is still the vault's own \`followSignal\`, with its own rules; a refusal is skipped, not fatal). The transaction's base cost is paid once, and the feeds, the hub, the registry, the pools and the tokens are cold only for the first follow that touches them. Per executed trade, (publishSignal_K + the batch) / (V·K), each cell its own round (signals of 5 % of each vault's cap, SELL and BUY in turn; the single follows above are 20 % BUYs):

| batched | ${vaults.map((v) => `V = ${v}`).join(" | ")} |
| --- | ${vaults.map(() => "---:").join(" | ")} |
${rows}

${verdict}`;
}

/** Each measured path's gas call frame by call frame (debug_traceTransaction), with its opcode kinds. */
function profilesSection(f: PathsGasFigures): string {
  if (!f.profiles?.length) return "";
  const kinds = (frame: FrameGas) =>
    Object.entries(frame.kinds)
      .filter(([, gas]) => gas > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, gas]) => `${kind} ${fmt(gas)}`)
      .join(", ");
  const rows = (frame: FrameGas, depth: number): string[] => [
    `| ${"&nbsp;&nbsp;".repeat(depth)}${frame.name} | ${fmt(frame.inclusive)} | ${fmt(frame.self)} | ${kinds(frame)} |`,
    ...frame.children.flatMap((child) => rows(child, depth + 1)),
  ];
  return f.profiles
    .map(
      (
        p,
      ) => `Where the ${p.path}'s ${fmt(p.gas)} go, call frame by call frame (the node's \`debug_traceTransaction\`; "self" is the frame's own opcodes, "calls" the account access and memory a call costs its caller):

| frame | gas | self | self by kind |
| --- | ---: | ---: | --- |
| intrinsic (21 000 + calldata) | ${fmt(p.intrinsic)} | ${fmt(p.intrinsic)} | |
${rows(p.root, 0).join("\n")}`,
    )
    .join("\n\n");
}

/** Each path beside its floor (what it cannot avoid) and its protocol floor, and what they are made of. */
function floorsTable(f: PathsGasFigures): string {
  if (!f.floors?.length) return "";
  const above = (measured: number, floor: number) => `${(((measured - floor) / floor) * 100).toFixed(1)} %`;
  const parts = (p: Record<string, number>) =>
    Object.entries(p)
      .map(([part, gas]) => `${part} ${fmt(gas)}`)
      .join("; ");
  const rows = f.floors
    .map(
      (row) =>
        `| ${row.path} | ${fmt(row.measured)} | ${fmt(row.floor)} | ${above(row.measured, row.floor)} | ${row.protocolFloor ? `${fmt(row.protocolFloor)} | ${above(row.measured, row.protocolFloor)}` : "— | —"} |`,
    )
    .join("\n");
  const made = f.floors
    .map(
      (row) =>
        `- **${row.path}**: ${parts(row.parts)}${row.protocolParts ? `; protocol floor adds: ${parts(row.protocolParts)}` : ""}.`,
    )
    .join("\n");
  const within = f.floors.filter((row) => row.measured <= row.floor * 1.1).map((row) => row.path);
  const unreachable = f.floors.filter((row) => row.protocolFloor > row.floor * 1.1);
  const withinProtocol = f.floors
    .filter((row) => row.protocolFloor && row.measured <= row.protocolFloor * 1.1)
    .map((row) => row.path);
  return `Each path beside its floor: what no implementation of the same path can avoid, measured in the same world (the intrinsic 21 000 and the transaction's own calldata; the pairing check's precompile prices for its public inputs; the pool's swap by the cheapest possible caller, which holds both tokens already; each feed read and window check as a call inside a trade, cold; the storage the path must create). The protocol floor adds, at its cheapest, the state this protocol's own rules make every such trade touch: the exactly-once nonce, the position and limit usage (#18), the policy, the revocable model approval, the rotatable verifier (#15), the trade's record in the logs.

| path | gas | floor | above it | protocol floor | above it |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows}

${made}

Within 10 % of the floor: ${within.length ? within.join(", ") : "no path"}; of the protocol floor: ${withinProtocol.length ? withinProtocol.join(", ") : "no path"}. The issue's target (each path within 10 % of its floor) is ${within.length === f.floors.length ? "met" : "not met"}${unreachable.length ? `, and cannot be met by code while the protocol's rules stand: the protocol floor alone, a trade that ran no code beyond the state it must touch, is ${unreachable.map((row) => `${above(row.protocolFloor, row.floor)} above the floor for ${row.path}`).join(", ")}` : ""}. What is above the protocol floor is the contracts' code (the checks, the memory, the slippage arithmetic) and the generated verifier's own work beyond its precompiles, which the profile below breaks down; the hot path's external calls are already hand-encoded (\`TradeCalls\`, \`OracleGuard.latestRoundData\`), and what remains is spread over some four thousand opcodes with no single large part.`;
}

/** Amortised gas per trade against the number of following vaults, one line per K (SVG). */
export function pathsChart(f: PathsGasFigures): string {
  const W = 600;
  const H = 320;
  const pad = { l: 70, r: 160, t: 32, b: 40 };
  const vaults = [...new Set(f.hub.amortized.map((a) => a.vaults))];
  const batched = f.hub.batched ?? [];
  const maxY =
    Math.max(f.verifiedBuy, ...f.hub.amortized.map((a) => a.perTrade), ...batched.map((b) => b.perTrade)) * 1.05;
  const x = (i: number) => pad.l + (i / (vaults.length - 1)) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / maxY) * (H - pad.t - pad.b);
  const colours = ["#4a6fa5", "#c0504d", "#9bbb59"];
  // Every series is labelled at its right end; labels are pushed apart so none overlaps another.
  const labels: { y: number; text: string; colour: string }[] = [];
  const line = (points: number[], colour: string, label: string, dashed: boolean) => {
    const pts = points.map((v, i) => [x(i), y(v)] as const);
    const d = pts.map(([px, py], i) => `${i ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`).join("");
    labels.push({ y: pts.at(-1)![1] + 4, text: label, colour });
    const dash = dashed ? ' stroke-dasharray="6 3"' : "";
    return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`;
  };
  const flat = (value: number, label: string, colour: string) => {
    labels.push({ y: y(value) + 4, text: `${label} ${fmt(value)}`, colour });
    return `<line x1="${pad.l}" y1="${y(value)}" x2="${W - pad.r}" y2="${y(value)}" stroke="${colour}" stroke-dasharray="4 3"/>`;
  };
  const flats =
    flat(f.verifiedBuy, "verified", "#666") +
    flat(f.optimistic.buy, "optimistic", "#8064a2") +
    flat(180_000, "target", "#2e7d32");
  const lines = [...new Set(f.hub.amortized.map((a) => a.k))]
    .map((k, n) => {
      const single = vaults.map((v) => f.hub.amortized.find((a) => a.k === k && a.vaults === v)!.perTrade);
      const inBatch = vaults.map((v) => batched.find((b) => b.k === k && b.vaults === v)?.perTrade);
      const batchLine = inBatch.every((v) => v !== undefined)
        ? line(inBatch as number[], colours[n]!, `hub, K = ${k}, batched`, true)
        : "";
      return line(single, colours[n]!, `hub, K = ${k}`, false) + batchLine;
    })
    .join("");
  labels.sort((a, b) => a.y - b.y);
  for (let i = 1; i < labels.length; i++) labels[i]!.y = Math.max(labels[i]!.y, labels[i - 1]!.y + 12);
  const labelText = labels
    .map((l) => `<text x="${W - pad.r + 6}" y="${l.y.toFixed(1)}" fill="${l.colour}">${l.text}</text>`)
    .join("");
  const ticks = vaults
    .map((v, i) => `<text x="${x(i)}" y="${H - pad.b + 16}" text-anchor="middle">${v}</text>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" fill="#333">
<rect width="100%" height="100%" fill="#fff"/><text x="${W / 2}" y="18" text-anchor="middle" font-size="13">Gas per executed trade (lower is better; dashed: a keeper batches the follows)</text>
<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#999"/><line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}" stroke="#999"/>
${flats}${lines}${labelText}${ticks}
<text x="${(W - pad.r + pad.l) / 2}" y="${H - 6}" text-anchor="middle">following vaults per market (V)</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">gas</text></svg>
`;
}

/** USD per executed trade on Arbitrum One by path (the hub's amortised over K markets and V vaults). */
function pathsArbitrumRows(f: PathsGasFigures): string {
  const usd = (gas: number, bytes: number) => arbitrumCost(gas, bytes, DEFAULT_ARBITRUM_PRICES);
  const follow = usd(f.hub.followMean, FOLLOW_SIGNAL_CALLDATA_BYTES);
  const hub = (k: number, vaults: number) => {
    const publish = usd(f.hub.publish[`K=${k}`] ?? 0, publishSignalCalldataBytes(k));
    const trades = k * vaults;
    return {
      l2Usd: publish.l2Usd / trades + follow.l2Usd,
      l1Usd: publish.l1Usd / trades + follow.l1Usd,
      totalUsd: publish.totalUsd / trades + follow.totalUsd,
    };
  };
  const batched = (k: number, vaults: number) => {
    const b = f.hub.batched?.find((x) => x.k === k && x.vaults === vaults);
    if (!b) return undefined;
    const trades = k * vaults;
    const publish = usd(b.publish, publishSignalCalldataBytes(k));
    const batch = usd(b.batch, followAllCalldataBytes(trades));
    return {
      l2Usd: (publish.l2Usd + batch.l2Usd) / trades,
      l1Usd: (publish.l1Usd + batch.l1Usd) / trades,
      totalUsd: (publish.totalUsd + batch.totalUsd) / trades,
    };
  };
  const optimistic = usd(f.optimistic.buy, EXECUTE_OPTIMISTIC_CALLDATA_BYTES);
  const finalize = usd(f.optimistic.finalize, FINALIZE_CLAIM_CALLDATA_BYTES);
  const rows: [string, { l2Usd: number; l1Usd: number; totalUsd: number }][] = [
    ["verified (`executeTrade`)", usd(f.verifiedBuy, EXECUTE_TRADE_CALLDATA_BYTES)],
    [
      "optimistic, unchallenged (`executeOptimistic` + `finalize`)",
      {
        l2Usd: optimistic.l2Usd + finalize.l2Usd,
        l1Usd: optimistic.l1Usd + finalize.l1Usd,
        totalUsd: optimistic.totalUsd + finalize.totalUsd,
      },
    ],
    ...(f.optimistic.finalizeTwo
      ? ([
          [
            "optimistic, unchallenged, finalised two at a time (`finalizeMany`)",
            (() => {
              const two = usd(f.optimistic.finalizeTwo, finalizeManyCalldataBytes(2));
              return {
                l2Usd: optimistic.l2Usd + two.l2Usd / 2,
                l1Usd: optimistic.l1Usd + two.l1Usd / 2,
                totalUsd: optimistic.totalUsd + two.totalUsd / 2,
              };
            })(),
          ],
        ] as [string, { l2Usd: number; l1Usd: number; totalUsd: number }][])
      : []),
    ["hub, K = 1, V = 1", hub(1, 1)],
    ["hub, K = 1, V = 8", hub(1, 8)],
    ["hub, K = 4, V = 8", hub(4, 8)],
  ];
  for (const [k, v] of [
    [1, 8],
    [4, 8],
  ] as const) {
    const cost = batched(k, v);
    if (cost) rows.push([`hub, K = ${k}, V = ${v}, follows batched by a keeper`, cost]);
  }
  const money = (v: number) => `$${v.toFixed(4)}`;
  return rows
    .map(([name, c]) => `| ${name} | ${money(c.l2Usd)} | ${money(c.l1Usd)} | ${money(c.totalUsd)} |`)
    .join("\n");
}

/** A point's layout ("3 × 2 limbs"); older runs measured two chunks of 3 limbs. */
const layoutOf = (p: { chunks?: number; limbsPerChunk?: number }) => `${p.chunks ?? 2} × ${p.limbsPerChunk ?? 3}`;

/** Every chunk of each participant count's measured layout, summed: the whole model's aggregation. */
function federatedTotals(f: FederatedFigures) {
  const counts = [...new Set(f.points.map((p) => p.participants))];
  const sum = (xs: (number | null | undefined)[]) =>
    xs.every((x) => x !== undefined && x !== null) ? xs.reduce((a, x) => a! + x!, 0)! : null;
  return counts.map((participants) => {
    const chunks = f.points.filter((p) => p.participants === participants);
    return {
      participants,
      layout: layoutOf(chunks[0]!),
      chunks: chunks.length,
      constraints: chunks.reduce((a, c) => a + c.constraints, 0),
      snarkjsMs: sum(chunks.map((c) => c.snarkjs?.proveMs)),
      nativeMs: sum(chunks.map((c) => c.native?.proveMs)),
      verifyGas: sum(chunks.map((c) => c.verifyGas)),
      peakRssMb: Math.max(
        ...chunks.flatMap((c) => [c.snarkjs?.peakRssMb ?? 0, c.native?.peakRssMb ?? 0, c.witnessOnly?.peakRssMb ?? 0]),
      ),
    };
  });
}

/** Constraints one more chunk adds at `participants` (every commitment opened again), from the layouts compiled. */
function openingCostPerChunk(f: FederatedFigures, participants: number): number | null {
  const layouts = (f.layouts ?? []).filter((l) => l.participants === participants);
  if (layouts.length < 2) return null;
  const total = (l: (typeof layouts)[number]) => l.constraints.reduce((a, c) => a + c, 0);
  const [fewest, most] = [layouts[0]!, layouts.at(-1)!];
  return Math.round((total(most) - total(fewest)) / (most.chunks - fewest.chunks));
}

/** The federated aggregation's scale table (bench --only federated), or a line saying how to measure it. */
export function federatedSection(f: FederatedFigures | undefined): string {
  if (!f)
    return "## Federated aggregation: 2, 4 and 8 participants\n\nNot measured yet: `npx pnpm bench --only federated`.";
  const headroomPct = Math.round((f.headroom ?? 0) * 100);
  const budget = Math.floor(2 ** f.committedPower * (1 - (f.headroom ?? 0)));
  const verified = (r: { verified?: boolean } | null) => (r ? (r.verified ? "yes" : "NO") : "—");
  const rows = f.points
    .map((p) => {
      const witness = p.snarkjs?.witnessMs ?? p.witnessOnly?.witnessMs;
      const rss = p.snarkjs?.peakRssMb ?? p.witnessOnly?.peakRssMb;
      const params = p.parameters ? `${p.parameters[0]}–${p.parameters[1] - 1}` : "—";
      return `| ${p.participants} | ${layoutOf(p)} | ${p.chunk} | ${params} | ${fmt(p.constraints)} | ${p.publicInputs} | 2^${p.ptauPowerNeeded} | ${p.setupMs === null ? "—" : `${fmt(p.setupMs / 1000, 1)} s`} | ${fmt(witness)} | ${fmt(p.snarkjs?.proveMs)} | ${fmt(rss)}${p.witnessOnly ? " (witness only)" : ""} | ${fmt(p.native?.proveMs)} | ${fmt(p.native?.peakRssMb)} | ${fmt(p.verifyGas)} | ${verified(p.snarkjs)} / ${verified(p.native)} |${p.note ? ` ${p.note}` : ""}`;
    })
    .join("\n");
  const totalsOf = federatedTotals(f);
  const totals = totalsOf
    .map(
      (t) =>
        `| ${t.participants} | ${t.layout} | ${fmt(t.constraints)} | ${t.snarkjsMs === null ? `— (past power ${f.committedPower})` : fmt(t.snarkjsMs)} | ${t.nativeMs === null ? "—" : fmt(t.nativeMs)} | ${t.verifyGas === null ? "—" : fmt(t.verifyGas)} | ${fmt(t.peakRssMb)}${t.snarkjsMs === null ? " (witness only)" : ""} |`,
    )
    .join("\n");
  const layouts = (f.layouts ?? [])
    .map(
      (l) =>
        `| ${l.participants} | ${l.chunks} × ${l.limbsPerChunk} | ${l.constraints.map((c) => fmt(c)).join(" / ")} | ${fmt(l.constraints.reduce((a, c) => a + c, 0))} | 2^${l.ptauPowerNeeded} | ${l.fits ? "yes" : "no"} | ${l.chosen ? "**measured**" : ""} |`,
    )
    .join("\n");
  const la = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" / ");
  const at = (participants: number) => totalsOf.find((t) => t.participants === participants);
  const chunksOf = (participants: number) => f.points.filter((p) => p.participants === participants);
  const p8 = chunksOf(8);
  const p8Measured = p8.length > 0 && p8.every((c) => c.snarkjs !== null);
  const p8Layout = (f.layouts ?? []).filter((l) => l.participants === 8);
  const p8TwoChunks = p8Layout.find((l) => l.chunks === 2);
  const gasOf = (participants: number) => chunksOf(participants)[0]?.verifyGas ?? null;
  const gas2 = gasOf(2);
  const gas4 = gasOf(4);
  const gas8 = gasOf(8);
  const inputs = (participants: number) => 2 * participants + 3;
  // verifyProof's gas is affine in the public inputs (one scalar multiplication and addition each)
  const gasPerInput = gas2 !== null && gas8 !== null ? Math.round((gas8 - gas2) / (inputs(8) - inputs(2))) : null;
  const gasBase = gas2 !== null && gasPerInput !== null ? gas2 - gasPerInput * inputs(2) : null;
  const shippedLayout = (f.layouts ?? []).find((l) => l.participants === 4 && l.chosen);
  const shippedPicked = shippedLayout?.chunks === 2 && shippedLayout.limbsPerChunk === 3;
  const eight = p8Measured
    ? `**Eight participants are now measured in full with the committed power-${f.committedPower} phase 1**, in ${p8.length} chunks of ${p8[0]!.limbsPerChunk} limbs: the fewest that fit (two chunks of 3 limbs need power ${p8TwoChunks?.ptauPowerNeeded ?? "15"}: ${p8TwoChunks?.constraints.map((c) => fmt(c)).join(" / ") ?? "—"} constraints), the largest chunk ${fmt(Math.max(...p8.map((c) => c.constraints)))} constraints against the ${fmt(budget)} the headroom allows (2^${f.committedPower} = ${fmt(2 ** f.committedPower)}). All chunks together: ${fmt(at(8)?.snarkjsMs)} ms with snarkjs, ${fmt(at(8)?.nativeMs)} ms native, ${fmt(at(8)?.verifyGas)} gas to verify on chain; every proof of every backend checked with \`snarkjs groth16 verify\` and the snarkjs one accepted by its generated verifier on the in-process chain.`
    : "Eight participants did not fit the committed phase 1 in any layout tried: constraints and witness time only.";
  return `## Federated aggregation: 2, 4 and 8 participants

\`npx pnpm bench --only federated\`, ${f.measuredAt.slice(0, 16).replace("T", " ")} UTC. The FedAvgChunk template (\`circuits/src/circom/aggregation.circom\`) at the shipped model's size (178 int8 parameters in 6 limbs of 31; each chunk opens every commitment in full: the base, the P updates, the new model) compiled for each participant count P in four chunk layouts (1 chunk of 6 limbs, 2 of 3, 3 of 2, 6 of 1; 4 or 5 chunks would still leave a chunk of 2 limbs, with more openings than 3), and each P measured in the fewest chunks whose every chunk fits the committed power-${f.committedPower} phase 1 with ${headroomPct} % headroom (constraints + public inputs + 1 <= ${fmt(budget)}). The shipped circuits are P = 4 in 2 chunks of 3 limbs${shippedPicked ? ", which that rule also picks" : ""}; the other layouts here are the bench's only (their circuits, keys and verifiers are throwaways in bench/tmp). For each measured chunk: a throwaway setup (not a ceremony), warm proofs through the prover API (\`loadCircuit\`, \`proveCircuitInput\`: what AggregationProver runs), each backend in a process of its own: median of ${f.reps} after a warm-up, and the peak RSS of that process (its VmHWM, worker threads included; not getrusage's maxrss, which on Linux a spawned process inherits from its parent's RSS at the spawn: this bench's parent holds the chain, solc and a curve; this section's runs before 2026-11-24 09:00 UTC read maxrss); each backend's last proof checked with \`snarkjs groth16 verify\`; \`verifyProof\`'s gas as a transaction (eth_estimateGas: the 21 000 base and the calldata included) on the chunk's generated verifier, compiled as the shipped AggregationVerifier0/1 (IR, 1M runs) and deployed on the in-process chain: how \`npx pnpm demo:federated\` measures the shipped chunks. The machine is shared (2 vCPU, other agents running): load average ${la(f.loadAverage.before)} (1 / 5 / 15 min) before, ${la(f.loadAverage.after)} after.

| P | layout (chunks × limbs) | chunk | parameters | constraints | public inputs | phase 1 needed | setup | witness ms | snarkjs prove ms | snarkjs peak RSS MB | native prove ms | native peak RSS MB | verifyProof gas | verified (snarkjs / native) |
| ---: | --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${rows}

Whole model (every chunk of the measured layout):

| P | layout | constraints | snarkjs prove ms | native prove ms | verifyProof gas | peak RSS MB (any process) |
| ---: | --- | ---: | ---: | ---: | ---: | ---: |
${totals}

Every layout compiled (constraints per chunk, in chunk order; fits: every chunk within 2^${f.committedPower} with ${headroomPct} % headroom):

| P | layout | constraints per chunk | all chunks | largest chunk's phase 1 | fits | |
| ---: | --- | --- | ---: | --- | --- | --- |
${layouts}

The target of issue #17, four participants at the shipped model's size proven in at most 10 s, holds with either backend (both chunks ${fmt(at(4)?.snarkjsMs)} ms with snarkjs, ${fmt(at(4)?.nativeMs)} ms native, at the load above: prove times on this shared machine vary with it from run to run). ${eight}${at(2)?.chunks === 1 ? ` Two participants fit in one chunk (${fmt(at(2)?.constraints)} constraints): one proof and one \`verifyProof\` for the whole model.` : ""}

The price of more chunks is the openings: every chunk hashes the base, each update (twice: its model commitment, then the salted one) and the new model, and range-checks the sample counts, whatever share of the parameters it proves. From the layouts compiled, one more chunk costs ${fmt(openingCostPerChunk(f, 2))} constraints at P = 2, ${fmt(openingCostPerChunk(f, 4))} at P = 4 and ${fmt(openingCostPerChunk(f, 8))} at P = 8 (all chunks of a layout against its number of chunks is a straight line), so P = 8's ${p8.length} chunks carry about ${fmt((openingCostPerChunk(f, 8) ?? 0) * p8.length)} constraints of openings against ${fmt((openingCostPerChunk(f, 8) ?? 0) * 2)} for two chunks, and each chunk is one more proof to make and one more \`verifyProof\` on chain (${fmt(gas8)} gas at ${inputs(8)} public inputs, ${fmt(gas4)} at ${inputs(4)}, ${fmt(gas2)} at ${inputs(2)}: about ${fmt(gasBase)} + ${fmt(gasPerInput)} gas per public input, a line through the P = 2 and P = 8 measurements). Six chunks of one limb would fit too but open everything six times.

What a deployer would need to ship P = 8: its own per-chunk circuits (\`FedAvgChunk(8, 6, …, FIRST_LIMB, ${p8[0]?.limbsPerChunk ?? 2}, 16, 24)\` for each chunk), a phase-2 ceremony per chunk (the committed ones, \`circuits/ceremony/aggregation0\` and \`aggregation1\`, are P = 4's two chunks) and a generated verifier per chunk (${p8[0]?.publicInputs ?? 19} public inputs). FederatedRound is built for P = 4 (four participants, 11 public signals, the two chunk verifiers AggregationVerifier0/1), as are AggregationProver and aggregation-spec.ts (four participants, two chunks of 3 limbs): P = 8 needs a round contract taking eight participants and ${p8.length || 3} chunk proofs, and the prover and spec to match. Nothing of that is made here.

![constraints against participants](plots/federated-constraints.svg) ![prove time against participants](plots/federated-prove.svg)`;
}

/** Two series (snarkjs, native) of prove time against P, as SVG. */
function federatedProveChart(totals: ReturnType<typeof federatedTotals>): string {
  const W = 520;
  const H = 260;
  const pad = { l: 64, r: 40, t: 40, b: 40 };
  const maxX = Math.max(...totals.map((t) => t.participants));
  const maxY = Math.max(...totals.flatMap((t) => [t.snarkjsMs ?? 0, t.nativeMs ?? 0]), 1);
  const x = (v: number) => pad.l + (v / maxX) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / maxY) * (H - pad.t - pad.b);
  const series = (key: "snarkjsMs" | "nativeMs", colour: string, label: string, labelY: number) => {
    const present = totals.filter((t) => t[key] !== null);
    const path = present.map((t, i) => `${i ? "L" : "M"}${x(t.participants).toFixed(1)},${y(t[key]!).toFixed(1)}`);
    const dots = present
      .map(
        (t) =>
          `<circle cx="${x(t.participants)}" cy="${y(t[key]!)}" r="4"/><text x="${x(t.participants)}" y="${y(t[key]!) - 8}" text-anchor="middle">${fmt(t[key])}</text>`,
      )
      .join("");
    return `<path d="${path.join("")}" fill="none" stroke="${colour}" stroke-width="2"/><g fill="${colour}">${dots}<text x="${pad.l + 10}" y="${labelY}" text-anchor="start">${label}</text></g>`;
  };
  const ticks = totals
    .map(
      (t) =>
        `<text x="${x(t.participants)}" y="${H - pad.b + 16}" text-anchor="middle">${t.participants} (${t.layout})</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" fill="#333">
<rect width="100%" height="100%" fill="#fff"/><text x="${W / 2}" y="18" text-anchor="middle" font-size="13">Federated aggregation: prove time, all chunks (ms)</text>
<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#999"/><line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}" stroke="#999"/>
${series("snarkjsMs", "#d73027", "snarkjs", pad.t + 12)}${series("nativeMs", "#1a9850", "native prover", pad.t + 26)}${ticks}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">participants (chunks × limbs)</text><text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">median prove ms, summed over chunks</text></svg>
`;
}

/** The section's two plots: all chunks' constraints and prove time (both backends) against P. */
export function federatedCharts(f: FederatedFigures): { constraints: string; prove: string } {
  const totals = federatedTotals(f);
  return {
    constraints: lineChart(
      "Federated aggregation: constraints, all chunks",
      totals.map((t) => ({ x: t.participants, y: t.constraints })),
      `participants (chunks × limbs: ${totals.map((t) => `${t.participants}: ${t.layout}`).join(", ")})`,
      "constraints",
    ),
    prove: federatedProveChart(totals),
  };
}
