/**
 * @zkagent/circuits — policy v1, the proven model v1, signal v1 (the signal hub's) and federated
 * aggregation v1: the statements' constants, the pure helpers both sides share, `evaluatePolicy`,
 * `evaluateModel`, `evaluateSignal`, `aggregate`, and the in-process Groth16 provers.
 */
export * from "./policy-constants.ts";
export * from "./errors.ts";
export * from "./public-values.ts";
export * from "./commitment.ts";
export * from "./binding.ts";
export * from "./evaluate-policy.ts";
export * from "./witness-input.ts";
export * from "./prover.ts";
export {
  PROVER_CHOICES,
  createProverBackend,
  nativeBackend,
  resolveProverChoice,
  snarkjsBackend,
  type Groth16Backend,
  type ProverBackendName,
  type ProverChoice,
} from "./prover-backend.ts";
export {
  aggregationArtifactPaths,
  defaultArtifactPaths,
  modelArtifactPaths,
  signalArtifactPaths,
  type ArtifactPaths,
} from "./artifacts.ts";
export {
  PROOF_SYSTEMS,
  isPlonkProof,
  plonkArtifactPaths,
  plonkBackend,
  plonkCalldata,
  type PlonkBackend,
  type PlonkProof,
  type ProofSystem,
} from "./plonk-backend.ts";
export { seededRandom } from "./seeded-random.ts";
export * from "./model/index.ts";
export * from "./signal/index.ts";
export * from "./aggregation/index.ts";
