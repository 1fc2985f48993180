/**
 * Mutation check of the contracts' guards: for each guard, remove or weaken it in place, rerun
 * the contract suites (mocha with real proofs, and the Solidity fuzz/invariant tests), and
 * record whether at least one test failed ("killed"). Every file is restored afterwards, also
 * on Ctrl-C. Writes scripts/mutation/report.json and prints a table.
 *
 *   tsx scripts/mutation/guards.ts [--only name,name]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";

import { drop, runMutations, type Mutation } from "./run-mutations.ts";

const root = join(import.meta.dirname, "../..");
const src = (file: string) => join(root, "packages/contracts/src", file);
const TRADER = src("DecentralizedTrader.sol");
const ORACLE = src("libraries/OracleGuard.sol");
const VALUES = src("libraries/PublicValues.sol");
const SLIPPAGE = src("libraries/SlippageMath.sol");

const mutations: Mutation[] = [
  drop("deadline", TRADER, "if (block.timestamp > deadline) revert DeadlineExpired(deadline, block.timestamp);"),
  drop("agent authorised", TRADER, "if (!agent.authorized) revert AgentNotAuthorized(msg.sender);"),
  drop("context binding", TRADER, "if (v.context != expected) revert ContextMismatch(v.context, expected);"),
  drop("HOLD not executable", TRADER, "if (v.action == PublicValues.HOLD) revert HoldNotExecutable();"),
  drop("pause", TRADER, "if (p.paused) revert TradingPaused();"),
  drop("model approved", TRADER, "if (!modelRegistry.isApproved(v.modelHash)) revert ModelNotApproved(v.modelHash);"),
  {
    name: "policy match",
    file: TRADER,
    find: "if (v.maxPosition != p.maxPosition || v.thresholdBps != p.thresholdBps) {",
    replace: "if (false) {",
  },
  drop(
    "position match",
    TRADER,
    "if (v.position != agent.position) revert PositionMismatch(v.position, agent.position);",
  ),
  drop("sequencer check", TRADER, "OracleGuard.checkSequencer(sequencerUptimeFeed, sequencerGracePeriod);"),
  {
    name: "verifier result checked",
    file: TRADER,
    find: "if (!verifier.verifyProof(proof.a, proof.b, proof.c, publicSignals)) revert InvalidProof();",
    replace: "verifier.verifyProof(proof.a, proof.b, proof.c, publicSignals);",
  },
  { name: "nonce consumed", file: TRADER, find: "nonce: agent.nonce + 1", replace: "nonce: agent.nonce" },
  {
    name: "reentrancy guard",
    file: TRADER,
    find: ") external nonReentrant returns (uint256 amountIn, uint256 amountOut) {",
    replace: ") external returns (uint256 amountIn, uint256 amountOut) {",
  },
  drop(
    "vault balance (BUY)",
    TRADER,
    "if (available < maxIn) revert InsufficientVaultBalance(address(quoteToken), maxIn, available);",
  ),
  drop("round reported", ORACLE, "if (roundId > latestRoundId) revert OracleRoundNotReported(roundId, latestRoundId);"),
  drop("round complete", ORACLE, "if (updatedAt == 0) revert OracleRoundIncomplete(roundId);"),
  drop("answer positive", ORACLE, "if (answer <= 0) revert OracleAnswerNotPositive(roundId, answer);"),
  drop(
    "proven price = answer",
    ORACLE,
    "if (uint256(answer) != provenPrice) revert OraclePriceMismatch(roundId, answer, provenPrice);",
  ),
  { name: "oracle staleness", file: ORACLE, find: "block.timestamp - updatedAt > maxAge", replace: "false" },
  drop("sequencer up", ORACLE, "if (status != 0) revert SequencerDown(status);"),
  { name: "sequencer grace", file: ORACLE, find: "block.timestamp - startedAt <= gracePeriod", replace: "false" },
  drop(
    "signal in field",
    VALUES,
    "if (signals[i] >= SnarkField.MODULUS) revert PublicSignalNotInField(i, signals[i]);",
  ),
  drop("action bits", VALUES, "if (marketAndTrade >> 240 > SELL) revert MalformedPackedSignal(1, marketAndTrade);"),
  drop(
    "policy high bits",
    VALUES,
    "if (policyAndPosition >> 208 != 0) revert MalformedPackedSignal(2, policyAndPosition);",
  ),
  {
    name: "BUY slippage bound",
    file: SLIPPAGE,
    find: "BPS + maxSlippageBps, scale * BPS",
    replace: "BPS + 10 * maxSlippageBps, scale * BPS",
  },
  {
    name: "SELL slippage bound",
    file: SLIPPAGE,
    find: "BPS - maxSlippageBps, scale * BPS",
    replace: "BPS - 10 * maxSlippageBps, scale * BPS",
  },
];

const { values } = parseArgs({ options: { only: { type: "string" } } });
const selected = values.only ? mutations.filter((m) => values.only!.split(",").includes(m.name)) : mutations;
const hardhat = join(root, "node_modules/.bin/hardhat");
runMutations(
  selected,
  [
    {
      name: "mocha",
      command: hardhat,
      args: [
        "test",
        "mocha",
        "test/contracts/decentralized-trader.test.ts",
        "test/contracts/reentrancy.test.ts",
        "test/contracts/gas-snapshot.test.ts",
      ],
      cwd: root,
    },
    { name: "solidity", command: hardhat, args: ["test", "solidity"], cwd: root },
  ],
  join(import.meta.dirname, "report.json"),
);
