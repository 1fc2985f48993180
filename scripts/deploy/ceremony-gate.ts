/**
 * Whether the committed ceremony may guard real funds. Groth16 is sound only if at least one
 * participant of each phase destroyed their randomness, so a deployment to a live network needs
 * a public multi-party phase 1 (identified by its file's hash, not by what the manifest says of
 * it) and at least two phase-2 contributions. The deploy task refuses anything less unless an
 * explicit, loud override is given (for testnets).
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";

/**
 * blake2b-512 of the Hermez Powers of Tau ceremony's final files (powersOfTau28_hez_final_NN.ptau,
 * 54 contributions and a beacon), as published in snarkjs's README ("Prepare phase 2" table).
 * A phase-1 file whose hash is not here is not a known public ceremony.
 */
export const PUBLIC_PHASE1_BLAKE2B: Readonly<Record<number, string>> = {
  12: "ded2694169b7b08e898f736d5de95af87c3f1a64594013351b1a796dbee393bd825f88f9468c84505ddd11eb0b1465ac9b43b9064aa8ec97f2b73e04758b8a4a",
  13: "58efc8bf2834d04768a3d7ffcd8e1e23d461561729beaac4e3e7a47829a1c9066d5320241e124a1a8e8aa6c75be0ba66f65bc8239a0542ed38e11276f6fdb4d9",
  14: "eeefbcf7c3803b523c94112023c7ff89558f9b8e0cf5d6cdcba3ade60f168af4a181c9c21774b94fbae6c90411995f7d854d02ebd93fb66043dbb06f17a831c1",
  15: "982372c867d229c236091f767e703253249a9b432c1710b4f326306bfa2428a17b06240359606cfe4d580b10a5a1f63fbed499527069c18ae17060472969ae6e",
  16: "6a6277a2f74e1073601b4f9fed6e1e55226917efb0f0db8a07d98ab01df1ccf43eb0e8c3159432acd4960e2f29fe84a4198501fa54c8dad9e43297453efec125",
  17: "6247a3433948b35fbfae414fa5a9355bfb45f56efa7ab4929e669264a0258976741dfbe3288bfb49828e5df02c2e633df38d2245e30162ae7e3bcca5b8b49345",
};

/**
 * Each generated verifier (packages/contracts/src/generated) and the ceremony folder whose
 * manifest.json records the setup of its key. A deployment gates the manifests of the verifiers it
 * deploys, so a verifier added to it cannot skip the gate: one with no entry here is refused.
 */
export const CEREMONY_OF_VERIFIER: Readonly<Record<string, string>> = {
  PolicyVerifier: "circuits/ceremony",
  ModelPolicyVerifier: "circuits/ceremony/model",
  SignalVerifier1: "circuits/ceremony/signal1",
  SignalVerifier2: "circuits/ceremony/signal2",
  SignalVerifier4: "circuits/ceremony/signal4",
  AggregationVerifier0: "circuits/ceremony/aggregation0",
  AggregationVerifier1: "circuits/ceremony/aggregation1",
  // PLONK (#15): no phase 2; its manifest records the phase-1 file the key was derived from
  PlonkPolicyVerifier: "circuits/ceremony/plonk/policy",
};

/** The manifest paths (relative to the repository) of `verifiers`; throws for one with no ceremony. */
export function ceremonyManifestsOf(verifiers: readonly string[]): string[] {
  return verifiers.map((verifier) => {
    const folder = CEREMONY_OF_VERIFIER[verifier];
    if (!folder) {
      throw new Error(
        `${verifier} has no ceremony on record: add its folder to CEREMONY_OF_VERIFIER (scripts/deploy/ceremony-gate.ts) before deploying it`,
      );
    }
    return `${folder}/manifest.json`;
  });
}

/** Fewest phase-2 contributions a live deployment accepts (one honest among them suffices). */
export const MIN_PHASE2_CONTRIBUTIONS = 2;

export interface CeremonyAssessment {
  phase1Public: boolean;
  phase2Contributions: number;
  /** Why the ceremony may not guard funds; empty when it may. */
  problems: string[];
}

/** blake2b-512 of a file, streamed. */
export async function blake2bFile(path: string): Promise<string> {
  const hash = createHash("blake2b512");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Judges a ceremony from its phase-1 file and its manifest's phase-2 contributions. A PLONK
 * manifest (`protocol: "plonk"`) has no phase 2: its soundness rests on the public phase 1 alone.
 */
export async function assessCeremony(
  phase1Path: string,
  manifest: { contributions?: readonly { name: string }[]; protocol?: string },
  knownPublicPhase1: Readonly<Record<number, string>> = PUBLIC_PHASE1_BLAKE2B,
): Promise<CeremonyAssessment> {
  const problems: string[] = [];
  let phase1Public = false;
  if (!existsSync(phase1Path)) {
    problems.push(`the phase-1 file ${phase1Path} is missing, so its origin cannot be checked`);
  } else {
    const hash = await blake2bFile(phase1Path);
    phase1Public = Object.values(knownPublicPhase1).includes(hash);
    if (!phase1Public) {
      problems.push(
        `phase 1 is not a known public ceremony (its blake2b-512 ${hash.slice(0, 16)}… matches no Hermez powersOfTau28_hez_final file); rerun the ceremony with --ptau <public file>`,
      );
    }
  }
  const phase2Contributions = manifest.contributions?.length ?? 0;
  if (manifest.protocol !== "plonk" && phase2Contributions < MIN_PHASE2_CONTRIBUTIONS) {
    problems.push(
      `phase 2 has ${phase2Contributions} contribution${phase2Contributions === 1 ? "" : "s"} (at least ${MIN_PHASE2_CONTRIBUTIONS} independent ones are needed; see circuits/README.md, "Trust assumption")`,
    );
  }
  return { phase1Public, phase2Contributions, problems };
}
