// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPlonkVerifier} from "./IPlonkVerifier.sol";
import {IPolicyVerifier} from "./IPolicyVerifier.sol";

/// @title IPlonkVerifierAdapter
/// @notice A PLONK verifier behind the trader's Groth16-shaped IPolicyVerifier: a PLONK proof is
/// submitted here first (verified once, its public signals recorded), and the trader's
/// `verifyProof` view call is true if and only if its public signals were recorded.
interface IPlonkVerifierAdapter is IPolicyVerifier {
    /// @notice Thrown at deployment when the PLONK verifier address has no code.
    error PlonkVerifierHasNoCode(address plonkVerifier);
    /// @notice Thrown when a public signal is not below the BN254 scalar field (the PLONK
    /// verifier would reduce it, so `s` and `s + r` would both pass as different signals).
    error PublicSignalNotInField(uint256 index, uint256 value);
    /// @notice Thrown when the PLONK verifier refuses the proof for these signals.
    error InvalidPlonkProof(bytes32 signalsHash);

    /// @notice Emitted the first time a PLONK proof of these public signals is verified.
    /// @param signalsHash keccak256(abi.encode(publicSignals)), the recorded key.
    /// @param submitter Who submitted it (the agent, or anyone who copied its proof: harmless).
    /// @param publicSignals The verified signals (they carry the trade's chain, trader, agent and nonce).
    event PlonkProofVerified(bytes32 indexed signalsHash, address indexed submitter, uint256[5] publicSignals);

    /// @notice Verifies a PLONK proof of `publicSignals` and records them. Idempotent: signals
    /// already recorded return at once (a copy submitted first cannot make the agent's call fail).
    /// @param proof The PLONK proof (24 words).
    /// @param publicSignals The five public signals, each below the field modulus.
    /// @return signalsHash The recorded key.
    function submit(
        uint256[24] calldata proof,
        uint256[5] calldata publicSignals
    ) external returns (bytes32 signalsHash);

    /// @notice Whether a PLONK proof of `publicSignals` has been verified here.
    /// @param publicSignals The five public signals.
    /// @return True if they were recorded by `submit`.
    function isVerified(uint256[5] calldata publicSignals) external view returns (bool);

    /// @notice The generated PLONK verifier this adapter trusts (immutable: compiled into its code,
    /// so the trader's recorded codehash of the adapter pins it).
    /// @return The verifier.
    function plonkVerifier() external view returns (IPlonkVerifier);

    /// @notice The PLONK verifier's runtime code hash at deployment (its key is compiled into it).
    /// @return The code hash.
    function plonkVerifierCodehash() external view returns (bytes32);
}
