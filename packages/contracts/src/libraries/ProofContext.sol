// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ProofContext
/// @notice The one-use context a policy proof is bound to, computed exactly as the prover does
/// (circuits/src/binding.ts): uint256(keccak256(abi.encode(chainId, trader, agent, nonce))) >> 8.
/// @dev Note: the low byte is dropped so the value fits the SNARK field. A proof made for another
/// chain, trader contract, agent or nonce carries another context and fails the equality check.
library ProofContext {
    /// @notice The context for `agent`'s proof with `nonce` on `trader` at `chainId`.
    /// @param chainId The chain id.
    /// @param trader The DecentralizedTrader contract.
    /// @param agent The agent that submits the proof (msg.sender).
    /// @param nonce The agent's current nonce.
    /// @return The context field element.
    function compute(uint256 chainId, address trader, address agent, uint256 nonce) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(chainId, trader, agent, nonce))) >> 8;
    }
}
