// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {SlippageMath} from "../src/libraries/SlippageMath.sol";

contract SlippageMathHarness {
    function maxQuoteIn(uint256 a, uint256 p, uint256 s, uint256 bps) external pure returns (uint256) {
        return SlippageMath.maxQuoteIn(a, p, s, bps);
    }

    function minQuoteOut(uint256 a, uint256 p, uint256 s, uint256 bps) external pure returns (uint256) {
        return SlippageMath.minQuoteOut(a, p, s, bps);
    }
}

/// @notice Oracle-derived swap bounds: always on the vault's side of the oracle value, never zero.
contract SlippageMathTest is Test {
    /// WETH (18) priced by an 8-decimal feed in a 6-decimal stablecoin: 10^(18 + 8 − 6).
    uint256 internal constant SCALE = 1e20;
    SlippageMathHarness internal harness = new SlippageMathHarness();

    function testFuzz_boundsBracketTheOracleValue(uint96 size, uint64 price, uint16 slippageSeed) public view {
        uint256 slippage = bound(slippageSeed, 1, 9_999);
        uint256 amount = bound(size, 1e12, type(uint96).max);
        uint256 answer = bound(price, 1e8, type(uint64).max);
        uint256 value = (amount * answer) / SCALE;
        uint256 maxIn = harness.maxQuoteIn(amount, answer, SCALE, slippage);
        uint256 minOut = harness.minQuoteOut(amount, answer, SCALE, slippage);
        // The most a BUY pays is at most value·(1 + s); the least a SELL takes is at least value·(1 − s).
        assertLe(maxIn, (amount * answer * (10_000 + slippage)) / (SCALE * 10_000));
        assertGe(minOut * SCALE * 10_000, amount * answer * (10_000 - slippage));
        assertLe(minOut, value + 1);
        assertGe(maxIn + 1, value);
    }

    function testFuzz_tighterSlippageNeverLoosensTheBound(uint96 size, uint64 price, uint16 a, uint16 b) public view {
        uint256 amount = bound(size, 1e12, type(uint96).max);
        uint256 answer = bound(price, 1e8, type(uint64).max);
        uint256 tight = bound(a, 1, 9_999);
        uint256 loose = bound(b, tight, 9_999);
        assertLe(harness.maxQuoteIn(amount, answer, SCALE, tight), harness.maxQuoteIn(amount, answer, SCALE, loose));
        assertGe(harness.minQuoteOut(amount, answer, SCALE, tight), harness.minQuoteOut(amount, answer, SCALE, loose));
    }

    /// A dust BUY would get a zero spending cap (rounded down): it reverts rather than swap unbounded.
    function testFuzz_dustBuyRevertsInsteadOfAZeroBound(uint256 dust) public {
        dust = bound(dust, 1, 9_999); // 1..9 999 wei of WETH at 1 USD is worth < 1 micro-USDC
        vm.expectRevert(abi.encodeWithSelector(SlippageMath.ZeroSlippageBound.selector, dust, 1e8));
        harness.maxQuoteIn(dust, 1e8, SCALE, 100);
    }

    /// The SELL floor rounds up, so it is never zero for a non-zero sale: a dust SELL cannot be
    /// filled for nothing (the pool fails to meet the floor instead).
    function testFuzz_sellFloorIsNeverZero(uint256 amount, uint64 price) public view {
        amount = bound(amount, 1, type(uint96).max);
        uint256 answer = bound(price, 1, type(uint64).max);
        assertGe(harness.minQuoteOut(amount, answer, SCALE, 9_999), 1);
    }
}
