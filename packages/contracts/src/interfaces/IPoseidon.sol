// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IPoseidonT3
/// @notice circomlib's Poseidon over 2 inputs, as deployed from poseidon-solidity's shipped bytecode.
/// @dev Note: poseidon-solidity's `hash` is a public pure library function, so it can be called
/// like a contract; the shipped bytecode is cheaper than recompiling its source (21k vs 33k gas).
interface IPoseidonT3 {
    /// @notice Poseidon(inputs[0], inputs[1]) over the BN254 scalar field.
    /// @param inputs Two field elements.
    /// @return The hash.
    function hash(uint256[2] memory inputs) external pure returns (uint256);
}

/// @title IPoseidonT6
/// @notice circomlib's Poseidon over 5 inputs, as deployed from poseidon-solidity's shipped bytecode.
interface IPoseidonT6 {
    /// @notice Poseidon(inputs[0..4]) over the BN254 scalar field.
    /// @param inputs Five field elements.
    /// @return The hash.
    function hash(uint256[5] memory inputs) external pure returns (uint256);
}
