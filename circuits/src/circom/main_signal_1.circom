pragma circom 2.1.9;

include "signal.circom";

// The signal hub's instance for 1 market per proof, each over a 30-round window.
component main {public [pricesCommitment, marketSignal, thresholdBps, modelHash, context]} = SignalV1(1, 30);
