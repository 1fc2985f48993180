// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPlonkVerifier} from "../interfaces/IPlonkVerifier.sol";
import {IPlonkVerifierAdapter} from "../interfaces/IPlonkVerifierAdapter.sol";
import {SnarkField} from "../libraries/SnarkField.sol";

/// @title PlonkVerifierAdapter
/// @notice Lets a trader that calls Groth16's `verifyProof(a, b, c, pubSignals)` accept PLONK
/// proofs without a change to the trader: the agent first calls `submit` with the PLONK proof
/// (24 words do not fit Groth16's 8), which verifies it once and records the hash of its public
/// signals; the trader's view call then returns true if and only if those signals were verified.
/// Activate it as a verifier kind through the trader's VerifierSet (and its timelock) like any
/// generated verifier.
/// @author zkagent
/// @dev Note: the Groth16 a/b/c are ignored. Nothing here is single-use, and nothing needs to be:
/// the signals carry context = H(chainId, trader, agent, nonce), which the trader checks against
/// msg.sender and spends, so a recorded statement executes at most one trade, by its agent, on
/// its trader. One adapter may serve many traders. A record is never removed (a trader's view
/// call cannot consume it), which is harmless for the same reason.
contract PlonkVerifierAdapter is IPlonkVerifierAdapter {
    /// @inheritdoc IPlonkVerifierAdapter
    IPlonkVerifier public immutable plonkVerifier;
    /// @inheritdoc IPlonkVerifierAdapter
    bytes32 public immutable plonkVerifierCodehash;

    mapping(bytes32 signalsHash => bool) private _verified;

    /// @param verifier The generated PLONK verifier of the circuit this adapter stands for.
    constructor(IPlonkVerifier verifier) {
        if (address(verifier).code.length == 0) revert PlonkVerifierHasNoCode(address(verifier));
        plonkVerifier = verifier;
        plonkVerifierCodehash = address(verifier).codehash;
    }

    /// @inheritdoc IPlonkVerifierAdapter
    function submit(
        uint256[24] calldata proof,
        uint256[5] calldata publicSignals
    ) external returns (bytes32 signalsHash) {
        for (uint256 i; i < 5; ++i) {
            if (publicSignals[i] >= SnarkField.MODULUS) revert PublicSignalNotInField(i, publicSignals[i]);
        }
        signalsHash = keccak256(abi.encode(publicSignals));
        if (_verified[signalsHash]) return signalsHash;
        if (!plonkVerifier.verifyProof(proof, publicSignals)) revert InvalidPlonkProof(signalsHash);
        _verified[signalsHash] = true;
        emit PlonkProofVerified(signalsHash, msg.sender, publicSignals);
    }

    /// @inheritdoc IPlonkVerifierAdapter
    function isVerified(uint256[5] calldata publicSignals) external view returns (bool) {
        return _verified[keccak256(abi.encode(publicSignals))];
    }

    /// @notice The trader's call: true if and only if a PLONK proof of `pubSignals` was submitted
    /// and verified here. The Groth16 points are ignored.
    /// @param pubSignals The five public signals.
    /// @return True if the signals were PLONK-verified.
    function verifyProof(
        uint256[2] calldata,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[5] calldata pubSignals
    ) external view returns (bool) {
        return _verified[keccak256(abi.encode(pubSignals))];
    }
}
