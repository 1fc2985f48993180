import { readFile } from "node:fs/promises";

import { plonkArtifactPaths, verifyPolicyProof, type PlonkProof } from "@zkagent/circuits";
import { PlonkVerifierAdapter__factory } from "@zkagent/contracts/typechain";
import { AbiCoder, keccak256, type Provider } from "ethers";

/**
 * A PLONK trade's proof is not in the trade's calldata (the trader's call carries the Groth16
 * shape, which the PlonkVerifierAdapter ignores) but in the adapter's `submit` transaction, which
 * its `PlonkProofVerified` event (keyed by the signals' hash) points at. This finds it, from the
 * chain alone, and re-verifies it off-chain against the PLONK verification key.
 */
export class PlonkTradeProofs {
  /** Whether each verifier address is an adapter, asked once each. */
  private readonly adapters = new Map<string, boolean>();
  private vkeys: { attested: unknown; proven: unknown } | undefined;

  constructor(private readonly provider: Provider) {}

  /** True if `verifier` is a PlonkVerifierAdapter (it answers `plonkVerifier()`). */
  async isAdapter(verifier: string): Promise<boolean> {
    let known = this.adapters.get(verifier);
    if (known === undefined) {
      try {
        await PlonkVerifierAdapter__factory.connect(verifier, this.provider).plonkVerifier();
        known = true;
      } catch {
        known = false;
      }
      this.adapters.set(verifier, known);
    }
    return known;
  }

  /**
   * Re-verifies the PLONK proof submitted to `adapter` for `signals` up to `block`: "ok", or why
   * not ("no submit" when no verified submission of these signals is on-chain, "invalid").
   */
  async verify(
    adapter: string,
    signals: readonly bigint[],
    block: number,
    kind: "attested" | "proven",
  ): Promise<{ ok: boolean; detail: string }> {
    const contract = PlonkVerifierAdapter__factory.connect(adapter, this.provider);
    const signalsHash = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256[5]"], [signals]));
    const [event] = await contract.queryFilter(contract.filters.PlonkProofVerified(signalsHash), 0, block);
    if (!event) return { ok: false, detail: `no PlonkProofVerified for these signals on ${adapter}` };
    const tx = await this.provider.getTransaction(event.transactionHash);
    const call = tx ? contract.interface.parseTransaction({ data: tx.data }) : null;
    if (!call || call.name !== "submit") {
      return { ok: false, detail: `the verification ${event.transactionHash} is not a direct submit call` };
    }
    const words = [...(call.args[0] as bigint[])].map(String);
    this.vkeys ??= {
      attested: JSON.parse(await readFile(plonkArtifactPaths("policy").vkey, "utf8")) as unknown,
      proven: JSON.parse(await readFile(plonkArtifactPaths("model").vkey, "utf8").catch(() => "{}")) as unknown,
    };
    const ok = await verifyPolicyProof(this.vkeys[kind], plonkProofOf(words), signals);
    return { ok, detail: `PLONK proof of submit ${event.transactionHash}` };
  }
}

/** snarkjs's PLONK proof object from the verifier's 24 words (the order of exportSolidityCallData). */
function plonkProofOf(w: string[]): PlonkProof {
  const point = (i: number) => [w[i]!, w[i + 1]!, "1"];
  return {
    A: point(0),
    B: point(2),
    C: point(4),
    Z: point(6),
    T1: point(8),
    T2: point(10),
    T3: point(12),
    Wxi: point(14),
    Wxiw: point(16),
    eval_a: w[18]!,
    eval_b: w[19]!,
    eval_c: w[20]!,
    eval_s1: w[21]!,
    eval_s2: w[22]!,
    eval_zw: w[23]!,
    protocol: "plonk",
    curve: "bn128",
  };
}
