pragma circom 2.1.9;

include "model-policy.circom";

// The shipped proven-model instance: a 30-round window, 8 features, 16 hidden units, 6 weight limbs,
// architecture id MODEL_ARCHITECTURE_ID of circuits/src/model/model-spec.ts.
component main {public [pricesCommitment, marketAndTrade, policyAndPosition, modelHash, context]} = ModelPolicyV1(30, 8, 16, 6, 578110397326176576606210);
