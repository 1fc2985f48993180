// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title AcceptingSignalVerifier
/// @notice TEST ONLY: answers `true` to any `verifyProof(…, uint256[N])`, for hub tests of what the
/// hub checks itself (rounds, windows, models, context) and for the invariants with a lying proof.
contract AcceptingSignalVerifier {
    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata) external returns (bytes memory) {
        return abi.encode(true);
    }
}
