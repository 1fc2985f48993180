// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Test-only stand-in for the Groth16 verifier: accepts exactly the statements whose
/// public values obey the circuit's rules that public values alone decide (ranges, HOLD iff
/// size 0, the cap on BUY, no short SELL). It models the verifier's soundness so a Solidity
/// invariant run can explore many trades; the real verifier is tested with real proofs in mocha.
contract PublicRulesVerifier {
    function verifyProof(
        uint256[2] calldata,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[5] calldata s
    ) external pure returns (bool) {
        uint256 size = uint96(s[1] >> 144);
        uint256 action = s[1] >> 240;
        uint256 maxPosition = uint96(s[2]);
        uint256 position = uint96(s[2] >> 112);
        if (action > 2) return false;
        if ((action == 0) != (size == 0)) return false;
        if (action == 1 && position + size > maxPosition) return false;
        if (action == 2 && size > position) return false;
        return true;
    }
}
