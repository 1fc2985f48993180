// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ForgedProofVerifier
/// @notice Test only: a verifier that accepts every proof, standing in for a forged proof (leaked
/// setup randomness, a verifier bug). What a trader still refuses behind it is what stays bounded
/// when a proof lies.
contract ForgedProofVerifier {
    function verifyProof(
        uint256[2] calldata,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[5] calldata
    ) external pure returns (bool) {
        return true;
    }
}
