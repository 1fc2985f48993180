// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ReturnBombFollower
/// @notice An attacker for tests: a "vault" whose followSignal reverts with `size` bytes of data,
/// so a batcher that copied a whole revert reason would pay for the memory twice over.
/// @dev Note: never deploy outside a test.
contract ReturnBombFollower {
    uint256 public immutable size;

    constructor(uint256 size_) {
        size = size_;
    }

    /// @notice Reverts with `size` bytes, the first four a selector.
    function followSignal(uint80, uint256, uint256) external view returns (uint256, uint256) {
        uint256 n = size;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, shl(224, 0xdeadbeef))
            revert(p, n)
        }
    }
}
