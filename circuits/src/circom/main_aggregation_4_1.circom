pragma circom 2.1.9;

include "aggregation.circom";

// Federated aggregation of 4 updates of the shipped proven model (8-16-2, 178 int8 parameters in
// 6 limbs, architecture id MODEL_ARCHITECTURE_ID), chunk 1 of 2: limbs 3..5 (parameters 93..177).
// Sample counts in [1, 2^16]; clipBoundSquared < 2^24.
component main {public [baseCommitment, updateCommitments, sampleCounts, newCommitment, clipBoundSquared]} = FedAvgChunk(4, 6, 578110397326176576606210, 178, 3, 3, 16, 24);
