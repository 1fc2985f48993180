// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title SnarkField
/// @notice The BN254 scalar field every public input of the policy proof lives in.
library SnarkField {
    /// @notice The field modulus r; public inputs must be < r.
    uint256 internal constant MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
}
