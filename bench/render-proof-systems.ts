import type { ProofSystemFigures, ProofSystemRow } from "./items/proof-systems.ts";

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined
    ? "—"
    : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mb = (bytes: number | null) => (bytes === null ? "—" : `${fmt(bytes / 1e6, 1)} MB`);
const kb = (bytes: number | null) => (bytes === null ? "—" : `${fmt(bytes / 1e3, 1)} KB`);
const la = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" / ");
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? "—" : `${fmt(a / b, 1)}×`);

function row(r: ProofSystemRow): string {
  const setup = r.system === "groth16" ? "ceremony" : r.setupMs === null ? "—" : `${fmt(r.setupMs / 1000, 1)} s`;
  return `| ${r.circuit} | ${r.system === "groth16" ? "Groth16" : "PLONK"} | ${fmt(r.constraints)} | 2^${r.powerNeeded}${r.powerUsed === null ? " (not at hand)" : ""} | ${setup} | ${r.proveMs === null ? "—" : `${fmt(r.proveMs)} ms`} | ${fmt(r.verifyGas)} | ${r.proofCalldataBytes} B / ${r.proofJsonBytes === null ? "—" : `${fmt(r.proofJsonBytes)} B`} | ${mb(r.zkeyBytes)} | ${kb(r.vkeyBytes)} | ${kb(r.verifierRuntimeBytes)} | ${r.peakRssMb === null ? "—" : `${fmt(r.peakRssMb)} MB`} |`;
}

/** The Groth16-against-PLONK section of BENCHMARKS.md (bench --only proof-systems), or how to measure it. */
export function proofSystemsSection(f: ProofSystemFigures | undefined): string {
  const title = "## Proof systems: Groth16 and PLONK, per circuit";
  if (!f) return `${title}\n\nNot measured yet: \`npx pnpm bench --only proof-systems\`.`;
  const circuits = [...new Set(f.rows.map((r) => r.circuit))];
  const pairs = circuits.map((c) => ({
    circuit: c,
    g: f.rows.find((r) => r.circuit === c && r.system === "groth16")!,
    p: f.rows.find((r) => r.circuit === c && r.system === "plonk")!,
  }));
  const ratios = pairs
    .map(
      ({ circuit, g, p }) =>
        `| ${circuit} | ${ratio(p.constraints, g.constraints)} | ${ratio(p.proveMs, g.proveMs)} | ${ratio(p.verifyGas, g.verifyGas)} | ${ratio(p.zkeyBytes, g.zkeyBytes)} | ${ratio(p.peakRssMb, g.peakRssMb)} |`,
    )
    .join("\n");
  const a = f.adapter;
  const extra = f.phase1.extra;
  const fflonk = pairs
    .map(({ circuit, p }) => `${circuit} 2^${Math.max(3, Math.ceil(Math.log2(p.constraints + 2))) + 3}`)
    .join(", ");
  return `${title}

\`npx pnpm bench --only proof-systems${extra ? ` --ptau ${extra.path}` : ""}\`, ${f.measuredAt.slice(0, 16).replace("T", " ")} UTC. For each circuit the project ships, in one run: Groth16 with its committed ceremony's key, and PLONK with a key derived here (\`snarkjs plonk setup\`, deterministic; the circuit compiled at --O1, which is 2.8× fewer PLONK gates than --O2 for policy v1) from the committed power-${f.phase1.committed.power} phase 1 (${mb(f.phase1.committed.bytes)})${extra ? `, or, past power ${f.phase1.committed.power}, from a local power-${extra.power} file (${mb(extra.bytes)}, generated here for this bench and not committed)` : ""}. Each prover (snarkjs, through the prover API) runs in a process of its own: the median of ${f.reps} proofs after a warm-up, and that process's peak RSS. Gas: \`verifyProof\` as a transaction (21 000 and calldata included) on the in-process chain, Groth16 with the generated verifiers, PLONK with snarkjs's generated verifier compiled with the same settings. **The machine is shared** (2 vCPU, other engineers' jobs): load average ${la(f.loadAverage.before)} (1 / 5 / 15 min) before, ${la(f.loadAverage.after)} after; read the ratios, not the absolute times.

| circuit | system | constraints (R1CS / PLONK gates) | phase 1 | setup | prove | verify gas | proof (calldata / JSON) | proving key | vkey | verifier code | peak RSS |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${f.rows.map(row).join("\n")}

PLONK against Groth16, same circuit, same run:

| circuit | constraints (PLONK gates / R1CS) | prove time | verify gas | proving key | peak RSS |
| --- | ---: | ---: | ---: | ---: | ---: |
${ratios}

${a ? `**Through the trader** (policy v1; \`PlonkVerifierAdapter\`, the trader unchanged): the agent's \`submit\` of the PLONK proof costs ${fmt(a.submitGas)} gas as its own transaction (the PLONK verification, ${fmt(a.plonkVerifyGas)} as a bare call, plus recording the signals' hash and the event); the trader's own verifier call then costs ${fmt(a.recordedViewGas)} gas as a transaction (a cold storage read), where Groth16's verification is ${fmt(a.groth16VerifyGas)}. A PLONK trade therefore costs about ${fmt(a.submitGas + a.recordedViewGas - a.groth16VerifyGas)} gas more than a Groth16 one in total (the submit transaction, its base fee included, plus the trader's cheaper call less Groth16's verification; the trade's own base fee and calldata are the same both ways), and possibly a block's latency: the two transactions are sent one after the other.` : ""}

A PLONK row "not at hand" needs a larger phase 1 than this run had: its gate count is measured (snarkjs counts before it refuses), the rest is not; [circuits/README.md](../circuits/README.md#plonk-a-universal-setup-backend) says how a deployer passes a public file and what generating one here costs.

**FFLONK** is not measured: snarkjs's FFLONK setup needs 9 × its domain in G1 powers, i.e. a phase 1 three powers above the PLONK domain (${fflonk}): 150 MB or more, not downloadable on this machine and far slower to generate here than power 15, which did not finish within the session. Its verification would be cheaper than PLONK's (issue #15 quotes 201k against 278k gas on an earlier circuit) and its proving slower.

**When each is the right choice.** Groth16 where a per-circuit phase 2 can be run and kept (the shipped default): the cheapest verification, the smallest proof and the fastest prover here (and the native prover only speaks Groth16). PLONK where the setup must not depend on a per-circuit ceremony: a circuit that changes often (each revision is a new deterministic key from the same phase 1, which anyone can re-derive and check, as CI does), or a deployer who cannot gather phase-2 contributors; its soundness rests on the public phase 1 alone. The price is the prove time and memory above, a 768-byte proof, more verify gas, and with the trader's Groth16-shaped interface a second transaction.`;
}
