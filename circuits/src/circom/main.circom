pragma circom 2.1.9;

include "policy.circom";

// The shipped instance: a 30-round window. The bench builds other N from
// this template without copying it.
component main {public [pricesCommitment, marketAndTrade, policyAndPosition, modelHash, context]} = PolicyV1(30);
