// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Test-only stand-in for the deployed Poseidon hashers (IPoseidonT3, IPoseidonT6) in the
/// Solidity invariant suite, where poseidon-solidity's shipped bytecode is not deployed. What the
/// invariants check (a trade's window is the feed's) does not depend on which collision-resistant
/// hash the log uses; that the log's commitment equals the circuit's Poseidon is tested in mocha
/// against the real hashers.
contract KeccakPoseidonStandIn {
    uint256 private constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    function hash(uint256[2] memory inputs) external pure returns (uint256) {
        return uint256(keccak256(abi.encode(inputs))) % FIELD;
    }

    function hash(uint256[5] memory inputs) external pure returns (uint256) {
        return uint256(keccak256(abi.encode(inputs))) % FIELD;
    }
}
