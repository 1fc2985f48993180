// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";
import {Test} from "forge-std/Test.sol";

import {IDecentralizedTrader} from "../src/interfaces/IDecentralizedTrader.sol";
import {IModelRegistry} from "../src/interfaces/IModelRegistry.sol";
import {IOptimisticLane} from "../src/interfaces/IOptimisticLane.sol";
import {IPolicyVerifier} from "../src/interfaces/IPolicyVerifier.sol";
import {ISignalHub} from "../src/interfaces/ISignalHub.sol";
import {IWindowLog} from "../src/interfaces/IWindowLog.sol";
import {OracleGuard} from "../src/libraries/OracleGuard.sol";
import {TradeCalls} from "../src/libraries/TradeCalls.sol";

/// @notice A callee that answers any call with scripted bytes, reverts with them, or reverts with
/// the calldata it was sent (so two callers' encodings can be compared through their reverts).
contract ScriptedCallee {
    enum Mode {
        Return,
        Revert,
        EchoCalldata
    }

    Mode public mode;
    bytes public response;

    function script(Mode mode_, bytes calldata response_) external {
        (mode, response) = (mode_, response_);
    }

    fallback(bytes calldata input) external returns (bytes memory) {
        if (mode == Mode.EchoCalldata) _revertWith(input);
        bytes memory scripted = response;
        if (mode == Mode.Revert) _revertWith(scripted);
        return scripted;
    }

    function _revertWith(bytes memory data) private pure {
        assembly {
            revert(add(data, 0x20), mload(data))
        }
    }
}

/// @notice Each hand-encoded call beside the ABI coder's, their results ABI-encoded the same way.
contract TradeCallsHarness {
    function handApproval(IModelRegistry r, uint256 h) external view returns (bool, IModelRegistry.ModelKind) {
        return TradeCalls.approval(r, h);
    }

    function abiApproval(IModelRegistry r, uint256 h) external view returns (bool, IModelRegistry.ModelKind) {
        return r.approval(h);
    }

    function handCommitmentOf(IWindowLog w, uint80 round) external view returns (uint256) {
        return TradeCalls.commitmentOf(w, round);
    }

    function abiCommitmentOf(IWindowLog w, uint80 round) external view returns (uint256) {
        return w.commitmentOf(round);
    }

    function handBalanceOf(IERC20 t, address a) external view returns (uint256) {
        return TradeCalls.balanceOf(t, a);
    }

    function abiBalanceOf(IERC20 t, address a) external view returns (uint256) {
        return t.balanceOf(a);
    }

    function handVerifyProof(
        IPolicyVerifier v,
        IDecentralizedTrader.Groth16Proof calldata p,
        uint256[5] calldata s
    ) external view returns (bool) {
        return TradeCalls.verifyProof(v, p, s);
    }

    function abiVerifyProof(
        IPolicyVerifier v,
        IDecentralizedTrader.Groth16Proof calldata p,
        uint256[5] calldata s
    ) external view returns (bool) {
        return v.verifyProof(p.a, p.b, p.c, s);
    }

    function handSignalOf(ISignalHub hub, bytes32 key) external view returns (ISignalHub.VerifiedSignal memory) {
        return TradeCalls.signalOf(hub, key);
    }

    function abiSignalOf(ISignalHub hub, bytes32 key) external view returns (ISignalHub.VerifiedSignal memory) {
        return hub.signalOf(key);
    }

    function handOpenClaim(
        IOptimisticLane lane,
        address agent,
        uint32 nonce,
        uint256[5] calldata s,
        address verifier,
        uint256 loss
    ) external {
        TradeCalls.openClaim(lane, agent, nonce, s, verifier, loss);
    }

    function abiOpenClaim(
        IOptimisticLane lane,
        address agent,
        uint32 nonce,
        uint256[5] calldata s,
        address verifier,
        uint256 loss
    ) external {
        lane.openClaim(agent, nonce, s, verifier, loss);
    }

    function handSwap(
        IUniswapV3Pool pool,
        address to,
        bool zeroForOne,
        int256 amount,
        uint160 limit
    ) external returns (int256, int256) {
        return TradeCalls.swap(pool, to, zeroForOne, amount, limit);
    }

    function abiSwap(
        IUniswapV3Pool pool,
        address to,
        bool zeroForOne,
        int256 amount,
        uint160 limit
    ) external returns (int256, int256) {
        return pool.swap(to, zeroForOne, amount, limit, "");
    }

    function handLatestRoundData(AggregatorV3Interface feed) external view returns (uint80, int256, uint256, uint256) {
        return OracleGuard.latestRoundData(feed);
    }

    function abiLatestRoundData(AggregatorV3Interface feed) external view returns (uint80, int256, uint256, uint256) {
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, ) = feed.latestRoundData();
        return (roundId, answer, startedAt, updatedAt);
    }
}

/// @notice TradeCalls (and OracleGuard's feed read) against the ABI coder they replace: for any
/// response, short, long, out of range or reverting, and for the calldata they send, both have the
/// same outcome (the same return, or the same revert data).
contract TradeCallsTest is Test {
    TradeCallsHarness internal harness = new TradeCallsHarness();
    ScriptedCallee internal callee = new ScriptedCallee();

    /// @dev A response of `words` fuzzed words (each a boundary value or raw), cut to `length`.
    function responseOf(uint256[6] memory raw, uint8 shapes, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(192);
        for (uint256 i; i < 6; ++i) {
            uint256 shape = (uint256(shapes) >> i) & 3;
            uint256 word =
                shape == 0
                    ? raw[i] % 2
                    : shape == 1
                        ? raw[i] % 3
                        : shape == 2
                            ? raw[i] >> (raw[i] % 256)
                            : raw[i];
            assembly {
                mstore(add(add(out, 0x20), mul(i, 0x20)), word)
            }
        }
        assembly {
            mstore(out, length)
        }
    }

    /// @dev Calls both versions and requires the same success and the same bytes back.
    function assertSameOutcome(bytes memory handCall, bytes memory abiCall) internal {
        (bool handOk, bytes memory handOut) = address(harness).call(handCall);
        (bool abiOk, bytes memory abiOut) = address(harness).call(abiCall);
        assertEq(handOk, abiOk, "success");
        assertEq(handOut, abiOut, "returned or revert data");
    }

    function everyPair(
        address target,
        bytes32 arg,
        IDecentralizedTrader.Groth16Proof memory proof,
        uint256[5] memory signals
    ) internal {
        address who = address(uint160(uint256(arg)));
        assertSameOutcome(
            abi.encodeCall(harness.handApproval, (IModelRegistry(target), uint256(arg))),
            abi.encodeCall(harness.abiApproval, (IModelRegistry(target), uint256(arg)))
        );
        assertSameOutcome(
            abi.encodeCall(harness.handCommitmentOf, (IWindowLog(target), uint80(uint256(arg)))),
            abi.encodeCall(harness.abiCommitmentOf, (IWindowLog(target), uint80(uint256(arg))))
        );
        assertSameOutcome(
            abi.encodeCall(harness.handBalanceOf, (IERC20(target), who)),
            abi.encodeCall(harness.abiBalanceOf, (IERC20(target), who))
        );
        assertSameOutcome(
            abi.encodeCall(harness.handVerifyProof, (IPolicyVerifier(target), proof, signals)),
            abi.encodeCall(harness.abiVerifyProof, (IPolicyVerifier(target), proof, signals))
        );
        assertSameOutcome(
            abi.encodeCall(harness.handSignalOf, (ISignalHub(target), arg)),
            abi.encodeCall(harness.abiSignalOf, (ISignalHub(target), arg))
        );
        assertSameOutcome(
            abi.encodeCall(
                harness.handOpenClaim,
                (IOptimisticLane(target), who, uint32(uint256(arg)), signals, address(this), uint256(arg))
            ),
            abi.encodeCall(
                harness.abiOpenClaim,
                (IOptimisticLane(target), who, uint32(uint256(arg)), signals, address(this), uint256(arg))
            )
        );
        assertSameOutcome(
            abi.encodeCall(
                harness.handSwap,
                (IUniswapV3Pool(target), who, uint256(arg) % 2 == 0, int256(uint256(arg)), uint160(uint256(arg)))
            ),
            abi.encodeCall(
                harness.abiSwap,
                (IUniswapV3Pool(target), who, uint256(arg) % 2 == 0, int256(uint256(arg)), uint160(uint256(arg)))
            )
        );
        assertSameOutcome(
            abi.encodeCall(harness.handLatestRoundData, (AggregatorV3Interface(target))),
            abi.encodeCall(harness.abiLatestRoundData, (AggregatorV3Interface(target)))
        );
    }

    function proofOf(
        uint256 seed
    ) internal pure returns (IDecentralizedTrader.Groth16Proof memory p, uint256[5] memory s) {
        p.a = [uint256(keccak256(abi.encode(seed, 0))), uint256(keccak256(abi.encode(seed, 1)))];
        p.b = [[seed, seed + 1], [seed + 2, seed + 3]];
        p.c = [seed + 4, seed + 5];
        s = [seed + 6, seed + 7, seed + 8, seed + 9, seed + 10];
    }

    /// Every response, whatever its length and words, decodes (or fails) as the ABI coder's.
    function testFuzz_sameOutcomeForAnyResponse(uint256[6] memory raw, uint8 shapes, uint8 length, bytes32 arg) public {
        callee.script(ScriptedCallee.Mode.Return, responseOf(raw, shapes, uint256(length) % 193));
        (IDecentralizedTrader.Groth16Proof memory p, uint256[5] memory s) = proofOf(uint256(arg) >> 8);
        everyPair(address(callee), arg, p, s);
    }

    /// A callee's revert reaches the trader's caller with its data, as from a high-level call.
    function testFuzz_bubblesEveryRevert(bytes calldata revertData, bytes32 arg) public {
        callee.script(ScriptedCallee.Mode.Revert, revertData);
        (IDecentralizedTrader.Groth16Proof memory p, uint256[5] memory s) = proofOf(uint256(arg) >> 8);
        everyPair(address(callee), arg, p, s);
    }

    /// The calldata sent is the ABI coder's, byte for byte (the callee reverts with what it got).
    function testFuzz_sendsTheAbiEncoding(bytes32 arg, uint256 seed) public {
        callee.script(ScriptedCallee.Mode.EchoCalldata, "");
        (IDecentralizedTrader.Groth16Proof memory p, uint256[5] memory s) = proofOf(seed >> 8);
        everyPair(address(callee), arg, p, s);
    }

    /// An account without code: the views fail to decode, the claim is refused, as high-level calls.
    function test_anAccountWithoutCode() public {
        (IDecentralizedTrader.Groth16Proof memory p, uint256[5] memory s) = proofOf(7);
        everyPair(address(0xdead), bytes32(uint256(42)), p, s);
    }

    /// The checks above compare the two versions; this one pins what the ABI coder does, so a
    /// harness that broke both the same way would still fail.
    function test_rejectsOutOfRangeWordsAndShortReturns() public {
        callee.script(ScriptedCallee.Mode.Return, abi.encode(uint256(2), uint256(0)));
        vm.expectRevert(bytes(""));
        harness.handApproval(IModelRegistry(address(callee)), 1);
        callee.script(ScriptedCallee.Mode.Return, abi.encode(uint256(1), uint256(2)));
        vm.expectRevert(bytes(""));
        harness.handApproval(IModelRegistry(address(callee)), 1);
        callee.script(ScriptedCallee.Mode.Return, abi.encode(uint256(1), uint256(1)));
        (bool approved, IModelRegistry.ModelKind kind) = harness.handApproval(IModelRegistry(address(callee)), 1);
        assertTrue(approved);
        assertEq(uint256(kind), uint256(IModelRegistry.ModelKind.Proven));

        callee.script(ScriptedCallee.Mode.Return, abi.encode(uint256(1) << 80, int256(1), uint256(2), uint256(3), 0));
        vm.expectRevert(bytes(""));
        harness.handLatestRoundData(AggregatorV3Interface(address(callee)));
        callee.script(ScriptedCallee.Mode.Return, abi.encode(uint256(5), int256(-1), uint256(2), uint256(3), 1 << 80));
        vm.expectRevert(bytes(""));
        harness.handLatestRoundData(AggregatorV3Interface(address(callee)));
        callee.script(ScriptedCallee.Mode.Return, abi.encode(uint256(5), int256(-1), uint256(2), uint256(3)));
        vm.expectRevert(bytes(""));
        harness.handLatestRoundData(AggregatorV3Interface(address(callee)));

        callee.script(ScriptedCallee.Mode.Return, abi.encode(uint256(2)));
        (IDecentralizedTrader.Groth16Proof memory p, uint256[5] memory s) = proofOf(1);
        vm.expectRevert(bytes(""));
        harness.handVerifyProof(IPolicyVerifier(address(callee)), p, s);

        callee.script(ScriptedCallee.Mode.Return, abi.encode(uint256(1), uint256(2), uint256(3), uint256(4), 1 << 40));
        vm.expectRevert(bytes(""));
        harness.handSignalOf(ISignalHub(address(callee)), bytes32(0));

        vm.expectRevert(bytes(""));
        harness.handOpenClaim(IOptimisticLane(address(0xdead)), address(1), 1, s, address(2), 3);
    }
}
