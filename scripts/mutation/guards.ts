/**
 * Mutation check of the contracts' guards: for each guard, remove or weaken it in place, rerun
 * the tests that cover it (its targeted mocha files with real proofs, or the Solidity fuzz and
 * invariant tests), and record whether at least one test failed ("killed"). Every file is
 * restored afterwards, also on Ctrl-C. Writes scripts/mutation/report.json (after every mutation,
 * so a stopped run leaves what it found) and prints a table. `--check` only confirms that every
 * mutation's text is found exactly once.
 *
 *   tsx scripts/mutation/guards.ts [--only name,name] [--check]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";

import { byName, drop, runMutations, type Mutation, type Suite } from "./run-mutations.ts";

const root = join(import.meta.dirname, "../..");
const src = (file: string) => join(root, "packages/contracts/src", file);
const TRADER = src("DecentralizedTrader.sol");
const LIMITS = src("base/TradeLimits.sol");
const VERIFIERS = src("base/VerifierSet.sol");
const LANE = src("OptimisticLane.sol");
const HUB = src("SignalHub.sol");
const BATCHER = src("FollowBatcher.sol");
const WINDOW_LOG = src("WindowLog.sol");
const REGISTRY = src("ModelRegistry.sol");
const ORACLE = src("libraries/OracleGuard.sol");
const VALUES = src("libraries/PublicValues.sol");
const SLIPPAGE = src("libraries/SlippageMath.sol");
const CALLS = src("libraries/TradeCalls.sol");

const hardhat = join(root, "node_modules/.bin/hardhat");
/** The mocha files of test/contracts named, on the in-process chain with real proofs. */
const mocha = (...files: string[]): Suite => ({
  name: `mocha ${files.join(" ")}`,
  command: hardhat,
  args: ["test", "mocha", ...files.map((f) => `test/contracts/${f}.test.ts`)],
  cwd: root,
});
/** The Solidity tests of packages/contracts/test named (fuzz, and the invariant suites). */
const solidity = (...files: string[]): Suite => ({
  name: `solidity ${files.join(" ")}`,
  command: hardhat,
  args: ["test", "solidity", ...files.map((f) => `packages/contracts/test/${f}.t.sol`)],
  cwd: root,
});
const TRADER_TESTS = mocha("decentralized-trader");
/** Guards a forged proof must not get past: the invariant suite runs with an always-true verifier. */
const INVARIANTS = solidity("TraderInvariants");

/** `drop` and a weakening, against the suites that should notice. */
const without = (name: string, file: string, find: string, suites: Suite[]): Mutation => ({
  ...drop(name, file, find),
  suites,
});
const weaken = (name: string, file: string, find: string, replace: string, suites: Suite[]): Mutation => ({
  name,
  file,
  find,
  replace,
  suites,
});

const mutations: Mutation[] = [
  // ---- the trader: a proven trade's checks (_admit) ----
  without("deadline", TRADER, "if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);", [
    TRADER_TESTS,
  ]),
  without("agent authorised", TRADER, "if (!agent.authorized) revert AgentNotAuthorized(msg.sender);", [TRADER_TESTS]),
  without("context binding", TRADER, "if (v.context != expected) revert ContextMismatch(v.context, expected);", [
    TRADER_TESTS,
  ]),
  without("HOLD not executable", TRADER, "if (v.action == PublicValues.HOLD) revert HoldNotExecutable();", [
    TRADER_TESTS,
  ]),
  weaken(
    "pause",
    TRADER,
    "        if (p.paused) revert TradingPaused();\n        (bool approved, IModelRegistry.ModelKind kind)",
    "        (bool approved, IModelRegistry.ModelKind kind)",
    [TRADER_TESTS],
  ),
  without("model approved", TRADER, "if (!approved) revert ModelNotApproved(v.modelHash);", [TRADER_TESTS]),
  without(
    "model kind has a verifier",
    TRADER,
    "if (address(proofVerifier) == address(0)) revert ModelKindNotSupported(v.modelHash);",
    [mocha("verifier-rotation", "proven-model")],
  ),
  weaken(
    "policy match",
    TRADER,
    "if (v.maxPosition != p.maxPosition || v.thresholdBps != p.thresholdBps) {",
    "if (false) {",
    [TRADER_TESTS],
  ),
  without(
    "position match",
    TRADER,
    "if (v.position != agent.position) revert PositionMismatch(v.position, agent.position);",
    [TRADER_TESTS],
  ),
  weaken(
    "position cap in plain Solidity",
    TRADER,
    "if (v.action == PublicValues.BUY && uint256(agent.position) + v.size > p.maxPosition) {",
    "if (false) {",
    [mocha("forged-proof"), INVARIANTS],
  ),
  without(
    "no short sale in plain Solidity",
    TRADER,
    "if (v.action == PublicValues.SELL && v.size > agent.position) revert ShortSaleRefused(v.size, agent.position);",
    [mocha("forged-proof"), INVARIANTS],
  ),
  without(
    "window binding",
    TRADER,
    "if (recorded != provenCommitment) revert WindowMismatch(roundId, provenCommitment, recorded);",
    [mocha("window-binding")],
  ),
  without("sequencer check", TRADER, "OracleGuard.checkSequencer(sequencerUptimeFeed, sequencerGracePeriod);", [
    TRADER_TESTS,
  ]),
  weaken(
    "verifier result checked",
    TRADER,
    "if (!TradeCalls.verifyProof(t.verifier, proof, publicSignals)) {",
    "if (!TradeCalls.verifyProof(t.verifier, proof, publicSignals) && false) {",
    [TRADER_TESTS],
  ),
  weaken("nonce consumed", TRADER, "agentAfter.nonce = nonce + 1;", "agentAfter.nonce = nonce;", [TRADER_TESTS]),
  weaken(
    "reentrancy guard",
    TRADER,
    "    ) external nonReentrant returns (uint256 amountIn, uint256 amountOut) {\n        (amountIn, amountOut, ) = _executeProven(",
    "    ) external returns (uint256 amountIn, uint256 amountOut) {\n        (amountIn, amountOut, ) = _executeProven(",
    [mocha("reentrancy")],
  ),
  without(
    "decision record required (executeTrade)",
    TRADER,
    "if (!withRecord && t.p.decisionRecordsRequired) revert DecisionRecordRequired();",
    [mocha("decision-records-required")],
  ),
  without(
    "decision record required (executeOptimistic)",
    TRADER,
    "        if (t.p.decisionRecordsRequired) revert DecisionRecordRequired();\n",
    [mocha("decision-records-required")],
  ),
  without(
    "optimistic path off without a lane",
    TRADER,
    "if (address(lane) == address(0)) revert OptimisticPathDisabled();",
    [mocha("optimistic-lane")],
  ),
  without(
    "retired verifier's proof explained",
    TRADER,
    "            _explainRejectedProof(t.kind, proof, publicSignals);\n",
    [mocha("verifier-rotation")],
  ),
  without("a retired verifier is no longer accepted", VERIFIERS, "        delete _active[kind];\n", [
    mocha("verifier-rotation"),
  ]),

  // ---- the trader: the swap on the pool ----
  without(
    "vault balance (BUY)",
    TRADER,
    "if (available < maxIn) revert InsufficientVaultBalance(address(quoteToken), maxIn, available);",
    [TRADER_TESTS],
  ),
  without(
    "the agent's tighter BUY bound",
    TRADER,
    "if (amountLimit != 0 && amountLimit < maxIn) maxIn = amountLimit;",
    [mocha("trade-limits")],
  ),
  without("the agent's tighter SELL bound", TRADER, "if (amountLimit > minOut) minOut = amountLimit;", [
    mocha("trade-limits"),
  ]),
  without("BUY filled in full", TRADER, "if (received != size) revert SwapPartiallyFilled(received, size);", [
    mocha("direct-swap"),
  ]),
  without("SELL filled in full", TRADER, "if (paid != size) revert SwapPartiallyFilled(paid, size);", [
    mocha("direct-swap"),
  ]),
  without("BUY input within the bound", TRADER, "if (amountIn > maxIn) revert SwapInputAboveBound(amountIn, maxIn);", [
    mocha("direct-swap", "trade-limits"),
    TRADER_TESTS,
  ]),
  without(
    "SELL output within the bound",
    TRADER,
    "if (amountOut < minOut) revert SwapOutputBelowBound(amountOut, minOut);",
    [mocha("direct-swap")],
  ),
  without(
    "swap callback only from the vault's own swap",
    TRADER,
    "if (msg.sender != swapPool) revert UnexpectedSwapCallback(msg.sender);",
    [mocha("direct-swap")],
  ),
  without(
    "pool checked when the policy changes",
    TRADER,
    "        _requirePool(uniswapFactory, poolInitCodeHash, baseToken, quoteToken, policy_.poolFee);\n",
    [mocha("direct-swap")],
  ),
  without(
    "derived pool is the factory's",
    TRADER,
    "if (derived != registered) revert PoolNotFound(fee, derived, registered);",
    [mocha("direct-swap")],
  ),

  // ---- the trader: loss and exposure limits ----
  weaken(
    "vault exposure",
    LIMITS,
    "if (isBuy && uint256(vault.totalPosition) + size > limits.maxVaultPosition) {",
    "if (false) {",
    [mocha("trade-limits"), INVARIANTS],
  ),
  weaken("trades per block", LIMITS, "if (vault.tradesInBlock >= maxTradesPerBlock)", "if (false)", [
    mocha("trade-limits"),
    INVARIANTS,
  ]),
  weaken("agent trades per period", LIMITS, "if (agent.tradesInPeriod >= maxTradesPerAgent) {", "if (false) {", [
    mocha("trade-limits"),
    INVARIANTS,
  ]),
  weaken("vault trades per period", LIMITS, "if (vault.tradesInPeriod >= maxTradesPerVault) {", "if (false) {", [
    mocha("trade-limits"),
    INVARIANTS,
  ]),
  weaken(
    "agent notional per period",
    LIMITS,
    "if (agent.notionalInPeriod + notional > limits.maxNotionalPerAgentPerPeriod) {",
    "if (false) {",
    [mocha("trade-limits"), INVARIANTS],
  ),
  weaken(
    "vault notional per period",
    LIMITS,
    "if (vault.notionalInPeriod + notional > limits.maxNotionalPerVaultPerPeriod) {",
    "if (false) {",
    [mocha("trade-limits"), INVARIANTS],
  ),

  // ---- the trader: following a hub's signal ----
  weaken(
    "a signal followed once per round",
    TRADER,
    "if (roundId <= subscription.lastFollowedRound) {",
    "if (false) {",
    [mocha("signal-hub")],
  ),
  without(
    "follow only when subscribed",
    TRADER,
    "if (address(subscription.hub) == address(0)) revert NotSubscribed();",
    [mocha("signal-hub")],
  ),
  weaken(
    "follow pause",
    TRADER,
    "        if (p.paused) revert TradingPaused();\n        address publisher",
    "        address publisher",
    [mocha("signal-hub")],
  ),
  without("follow a verified signal only", TRADER, "if (signal.verifiedAt == 0) revert SignalNotVerified(key);", [
    mocha("signal-hub"),
  ]),
  without("follow an approved model only", TRADER, "if (!approved) revert ModelNotApproved(modelHash);", [
    mocha("signal-hub"),
  ]),
  without("follow no HOLD", TRADER, "if (signal.action == PublicValues.HOLD) revert HoldNotExecutable();", [
    mocha("signal-hub"),
  ]),
  weaken(
    "follow size clamped to the room under the cap",
    TRADER,
    "uint256 room = isBuy ? maxPosition - Math.min(position, maxPosition) : position;",
    "uint256 room = isBuy ? maxPosition : position;",
    [mocha("signal-hub")],
  ),
  without("follow nothing left refused", TRADER, "if (size == 0) revert NothingToFollow(key);", [mocha("signal-hub")]),

  // ---- the trader: owner functions ----
  weaken(
    "ownership cannot be renounced",
    TRADER,
    "function renounceOwnership() public pure override {\n        revert OwnershipCannotBeRenounced();",
    "function renounceOwnership() public override onlyOwner {\n        _transferOwnership(address(0));",
    [mocha("forged-proof")],
  ),
  without(
    "only the lane revokes a slashed agent",
    TRADER,
    "if (msg.sender != address(optimisticLane)) revert NotOptimisticLane(msg.sender);",
    [mocha("optimistic-lane")],
  ),
  without(
    "only owner or guardian pauses",
    TRADER,
    "if (msg.sender != owner() && msg.sender != guardian) revert NotOwnerOrGuardian(msg.sender);",
    [mocha("owner-and-registry", "optimistic-lane")],
  ),
  weaken(
    "lane bonded in the vault's quote token",
    TRADER,
    "if (address(lane) != address(0) && lane.bondToken() != address(quoteToken)) {",
    "if (false) {",
    [mocha("optimistic-lane")],
  ),
  weaken(
    "window log of the trader's feed",
    TRADER,
    "if (wiring.windowLog.feed() != wiring.priceFeed) {",
    "if (false) {",
    [mocha("window-binding")],
  ),
  without(
    "registry governor cannot be renounced",
    REGISTRY,
    "if (role == GOVERNOR_ROLE || role == DEFAULT_ADMIN_ROLE) revert RoleCannotBeRenounced(role);",
    [mocha("forged-proof")],
  ),

  // ---- the oracle guard ----
  without(
    "round reported",
    ORACLE,
    "if (roundId > latestRoundId) revert OracleRoundNotReported(roundId, latestRoundId);",
    [TRADER_TESTS],
  ),
  without("round superseded", ORACLE, "            revert RoundSuperseded(roundId, latestRoundId);\n", [
    mocha("window-binding"),
  ]),
  without("round complete", ORACLE, "if (updatedAt == 0) revert OracleRoundIncomplete(roundId);", [TRADER_TESTS]),
  without("answer positive", ORACLE, "if (answer <= 0) revert OracleAnswerNotPositive(roundId, answer);", [
    TRADER_TESTS,
  ]),
  without(
    "proven price = answer",
    ORACLE,
    "if (uint256(latestAnswer) != provenPrice) revert OraclePriceMismatch(roundId, latestAnswer, provenPrice);",
    [TRADER_TESTS],
  ),
  weaken("oracle staleness", ORACLE, "block.timestamp - updatedAt > maxAge", "false", [TRADER_TESTS]),
  weaken("oracle timestamp not ahead of the block", ORACLE, "updatedAt > block.timestamp || ", "", [TRADER_TESTS]),
  without("sequencer up", ORACLE, "if (status != 0) revert SequencerDown(status);", [TRADER_TESTS]),
  weaken("sequencer grace", ORACLE, "block.timestamp - startedAt <= gracePeriod", "false", [TRADER_TESTS]),
  weaken("sequencer feed initialised", ORACLE, "startedAt == 0 || ", "", [TRADER_TESTS]),

  // ---- the public values and the slippage bounds ----
  without("signal in field", VALUES, "if (value >= SnarkField.MODULUS) revert PublicSignalNotInField(index, value);", [
    TRADER_TESTS,
    solidity("PublicValues"),
  ]),
  weaken("action bits", VALUES, "if (marketAndTrade >> 240 > SELL) {", "if (false) {", [solidity("PublicValues")]),
  weaken("policy high bits", VALUES, "if (policyAndPosition >> 216 != 0) {", "if (false) {", [
    solidity("PublicValues"),
  ]),
  // ---- the hot path's hand-encoded calls: what the ABI decoder would refuse, refused ----
  weaken(
    "registry answer range-checked",
    CALLS,
    "or(lt(returndatasize(), 0x40), or(gt(approvedWord, 1), gt(kindWord, 1)))",
    "lt(returndatasize(), 0x40)",
    [solidity("TradeCalls")],
  ),
  weaken(
    "feed round ids range-checked",
    ORACLE,
    "or(lt(returndatasize(), 0xa0), or(shr(80, roundId), shr(80, mload(add(ptr, 0x80)))))",
    "lt(returndatasize(), 0xa0)",
    [solidity("TradeCalls")],
  ),
  weaken(
    "a callee's revert bubbled",
    CALLS,
    "revert(ptr, returndatasize())\n            }\n            if lt(returndatasize(), 0x20)",
    "pop(ptr)\n            }\n            if lt(returndatasize(), 0x20)",
    [solidity("TradeCalls")],
  ),
  weaken(
    "BUY slippage bound",
    SLIPPAGE,
    "BPS + maxSlippageBps, scale * BPS",
    "BPS + 10 * maxSlippageBps, scale * BPS",
    [solidity("SlippageMath"), TRADER_TESTS],
  ),
  weaken(
    "SELL slippage bound",
    SLIPPAGE,
    "BPS - maxSlippageBps, scale * BPS",
    "BPS - 10 * maxSlippageBps, scale * BPS",
    [solidity("SlippageMath"), TRADER_TESTS],
  ),

  // ---- the optimistic lane ----
  without(
    "claim needs bond for its worst loss",
    LANE,
    "if (account.total < required) revert InsufficientBond(account.total, required);",
    [mocha("optimistic-lane")],
  ),
  without("locked bond not withdrawable", LANE, "if (amount > free) revert BondLocked(amount, free);", [
    mocha("optimistic-lane"),
  ]),
  without(
    "pending claims capped",
    LANE,
    "if (account.pending >= maxPendingClaims) revert TooManyPendingClaims(agent, account.pending);",
    [mocha("optimistic-lane")],
  ),
  without(
    "challenge only within the window",
    LANE,
    "if (block.timestamp > claim.challengeDeadline) revert ChallengeWindowClosed(id, claim.challengeDeadline);",
    [mocha("optimistic-lane")],
  ),
  weaken(
    "a claim's answer verified",
    LANE,
    "if (!IPolicyVerifier(claim.verifier).verifyProof(proof.a, proof.b, proof.c, publicSignals)) {",
    "if (false) {",
    [mocha("optimistic-lane")],
  ),
  without(
    "a claim's answer about its own signals",
    LANE,
    "if (keccak256(abi.encode(publicSignals)) != claim.signalsHash) revert SignalsMismatch(id);",
    [mocha("optimistic-lane")],
  ),
  without(
    "finalise only after the challenge window",
    LANE,
    "if (block.timestamp <= claim.challengeDeadline) revert ChallengeWindowOpen(id, claim.challengeDeadline);",
    [mocha("optimistic-lane")],
  ),
  without(
    "a challenged claim is not finalised",
    LANE,
    "if (_challenges[id].challenger != address(0)) revert ClaimChallenged(id);",
    [mocha("optimistic-lane")],
  ),
  without(
    "slash only after the response window",
    LANE,
    "if (block.timestamp <= c.responseDeadline) revert ResponseWindowOpen(id, c.responseDeadline);",
    [mocha("optimistic-lane")],
  ),
  without(
    "claims known by their hash",
    LANE,
    "if (_claims[id] != keccak256(abi.encode(claim))) revert UnknownClaim(id);",
    [mocha("optimistic-lane")],
  ),

  // ---- the signal hub ----
  weaken("hub window binding", HUB, "if (recorded != publicSignals[i])", "if (false)", [
    mocha("signal-hub", "hub-markets"),
  ]),
  without("hub proof checked", HUB, "if (!_verify(verifier, k, proof, publicSignals)) revert InvalidProof();", [
    mocha("signal-hub-proofs", "signal-hub"),
  ]),
  without(
    "hub context binding",
    HUB,
    "if (publicSignals[2 * k + 2] != expected) revert ContextMismatch(publicSignals[2 * k + 2], expected);",
    [mocha("signal-hub")],
  ),
  without(
    "hub verifies a signal once",
    HUB,
    "if (_signals[keys[i]].verifiedAt != 0) revert SignalAlreadyVerified(keys[i]);",
    [mocha("signal-hub")],
  ),
  without(
    "hub refuses proven models",
    HUB,
    "if (kind != IModelRegistry.ModelKind.Attested) revert ProvenModelNotSupported(modelHash);",
    [mocha("signal-hub")],
  ),

  // ---- the follow batcher ----
  without("batcher refuses an empty batch", BATCHER, "if (follows.length == 0) revert EmptyBatch();", [
    mocha("follow-batcher"),
  ]),
  weaken(
    "batcher counts only a vault's follow (two words returned)",
    BATCHER,
    "followed := and(ok, eq(returndatasize(), 0x40))",
    "followed := ok",
    [mocha("follow-batcher")],
  ),

  // ---- the window log ----
  without(
    "window within one phase",
    WINDOW_LOG,
    "if (roundsInPhase < WINDOW_SIZE) revert WindowCrossesPhase(latest, roundsInPhase, WINDOW_SIZE);",
    [mocha("window-log", "window-binding")],
  ),
  without("window round complete", WINDOW_LOG, "        if (updatedAt == 0) revert RoundIncomplete(roundId);\n", [
    mocha("window-log"),
  ]),
  without(
    "window answer in range",
    WINDOW_LOG,
    "if (answer <= 0 || uint256(answer) > PRICE_MASK) revert RoundAnswerOutOfRange(roundId, answer);",
    [mocha("window-log")],
  ),
];

const { values } = parseArgs({ options: { only: { type: "string" }, check: { type: "boolean" } } });
// --only runs the named mutations in the order named.
const selected = values.only ? values.only.split(",").map((name) => byName(mutations, name)) : mutations;
// Every mutation names its suites; these are the whole contract suites, for one added without.
runMutations(
  selected,
  [mocha("decentralized-trader", "reentrancy", "gas-snapshot"), solidity()],
  join(import.meta.dirname, "report.json"),
  { check: values.check },
);
