// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IDecentralizedTrader} from "../interfaces/IDecentralizedTrader.sol";
import {IPolicyVerifier} from "../interfaces/IPolicyVerifier.sol";

/// @title VerifierSet
/// @notice The trader's verifiers and their history: for each model kind (0 attested: the policy
/// circuit; 1 proven: the proven-model circuit) one active verifier, tied to a circuit id and its
/// verification-key hash, and every verifier it replaced, with when. Nothing is ever removed from
/// the history, so an auditor can name the verifier (and its key) that checked any past trade
/// from the block it was mined in.
/// @dev Note: the active verifier is read from one slot per trade. A proof that fails the active
/// verifier is tried against the retired ones of its kind only on that failure path, to say why
/// it fails (`ProofForRetiredVerifier`) at no cost to valid trades.
abstract contract VerifierSet {
    /// @notice One verifier a trader has used.
    struct VerifierVersion {
        IPolicyVerifier verifier;
        /// What the owner names the circuit (e.g. keccak256("zkagent policy v1")); zero for the
        /// verifiers wired at deployment.
        bytes32 circuitId;
        /// keccak256 of the verification key (the generated vkey JSON); zero when not given.
        bytes32 vkeyHash;
        /// The verifier's runtime code hash at activation: the key is compiled into the code.
        bytes32 codehash;
        uint40 activatedAt;
        /// Zero while active.
        uint40 retiredAt;
    }

    uint8 internal constant KIND_COUNT = 2;

    mapping(uint8 kind => IPolicyVerifier) private _active;
    mapping(uint8 kind => VerifierVersion[]) private _history;

    /// @notice Thrown for a model kind the trader has no slot for.
    error UnknownModelKind(uint8 kind);
    /// @notice Thrown when a proof fails the active verifier but a retired one of its kind accepts
    /// it: it was made for a circuit version this trader no longer accepts.
    error ProofForRetiredVerifier(address verifier, uint256 retiredAt);
    /// @notice Thrown when a kind has no active verifier to retire.
    error NoActiveVerifier(uint8 kind);

    /// @notice Emitted when a verifier becomes the active one of its kind.
    event VerifierActivated(
        uint8 indexed kind,
        address indexed verifier,
        bytes32 circuitId,
        bytes32 vkeyHash,
        bytes32 codehash
    );
    /// @notice Emitted when a verifier stops being accepted.
    event VerifierRetired(uint8 indexed kind, address indexed verifier);

    /// @notice The active verifier for attested models (the policy circuit).
    /// @return The verifier.
    function verifier() external view returns (IPolicyVerifier) {
        return _active[0];
    }

    /// @notice The active verifier for proven models (the proven-model circuit); zero if none.
    /// @return The verifier.
    function modelVerifier() external view returns (IPolicyVerifier) {
        return _active[1];
    }

    /// @notice The active verifier of `kind`; zero if none.
    /// @param kind 0 attested, 1 proven.
    /// @return The verifier.
    function verifierOf(uint8 kind) external view returns (IPolicyVerifier) {
        return _active[kind];
    }

    /// @notice Every verifier `kind` has had, oldest first.
    /// @param kind 0 attested, 1 proven.
    /// @return The versions.
    function verifierVersions(uint8 kind) external view returns (VerifierVersion[] memory) {
        return _history[kind];
    }

    function _activeVerifier(uint8 kind) internal view returns (IPolicyVerifier) {
        return _active[kind];
    }

    /// @dev Retires the active verifier of `kind` (if any) and activates `newVerifier`.
    function _activateVerifier(uint8 kind, IPolicyVerifier newVerifier, bytes32 circuitId, bytes32 vkeyHash) internal {
        if (kind >= KIND_COUNT) revert UnknownModelKind(kind);
        if (address(newVerifier) == address(0)) revert IDecentralizedTrader.ZeroAddress();
        if (address(_active[kind]) != address(0)) _retireVerifier(kind);
        _active[kind] = newVerifier;
        bytes32 codehash = address(newVerifier).codehash;
        _history[kind].push(VerifierVersion(newVerifier, circuitId, vkeyHash, codehash, uint40(block.timestamp), 0));
        emit VerifierActivated(kind, address(newVerifier), circuitId, vkeyHash, codehash);
    }

    /// @dev Stops accepting proofs of `kind` by its active verifier.
    function _retireVerifier(uint8 kind) internal {
        if (kind >= KIND_COUNT) revert UnknownModelKind(kind);
        IPolicyVerifier current = _active[kind];
        if (address(current) == address(0)) revert NoActiveVerifier(kind);
        VerifierVersion[] storage history = _history[kind];
        history[history.length - 1].retiredAt = uint40(block.timestamp);
        delete _active[kind];
        emit VerifierRetired(kind, address(current));
    }

    /// @dev Reverts `ProofForRetiredVerifier` if a retired verifier of `kind` accepts the proof;
    /// returns otherwise (the caller then reverts InvalidProof).
    function _explainRejectedProof(
        uint8 kind,
        IDecentralizedTrader.Groth16Proof calldata proof,
        uint256[5] calldata publicSignals
    ) internal view {
        VerifierVersion[] storage history = _history[kind];
        for (uint256 i; i < history.length; ++i) {
            VerifierVersion memory version = history[i];
            if (version.retiredAt == 0) continue;
            try version.verifier.verifyProof(proof.a, proof.b, proof.c, publicSignals) returns (bool ok) {
                if (ok) revert ProofForRetiredVerifier(address(version.verifier), version.retiredAt);
            } catch {}
        }
    }
}
