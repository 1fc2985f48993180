// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IModelRegistry
/// @notice The models an agent may name in a proof, of two kinds:
/// - Attested: `modelHash = uint256(sha256(model file)) >> 8` of a GGUF the agent says it ran (an
///   LLM cannot be proven today; the proof covers the policy only);
/// - Proven: `modelHash = Poseidon(architecture id, weight limbs)` of a decision model whose
///   forward pass the proof carries (circuits/src/circom/model-policy.circom).
/// @dev Note: registration records provenance and the kind; only approved, non-revoked models can
/// trade. Revocation is final: a revoked hash can never be approved again.
interface IModelRegistry {
    /// @notice A model's lifecycle.
    enum ModelStatus {
        Unknown,
        Registered,
        Approved,
        Revoked
    }

    /// @notice What a model's hash commits to, and so what a proof naming it shows.
    enum ModelKind {
        Attested,
        Proven
    }

    /// @notice Thrown when a model hash is zero or does not fit the SNARK field (an attested hash
    /// must be < 2^248, a proven model's commitment below the field modulus).
    error InvalidModelHash(uint256 modelHash);
    /// @notice Thrown when registering a hash that is already known.
    error ModelAlreadyRegistered(uint256 modelHash);
    /// @notice Thrown when an action needs a model in another status.
    error UnexpectedModelStatus(uint256 modelHash, ModelStatus status);
    /// @notice Thrown when the governor or admin role is renounced: hand it over instead.
    error RoleCannotBeRenounced(bytes32 role);

    /// @notice Emitted when a model is registered (not yet approved).
    /// @param modelHash The model's hash.
    /// @param name A human-readable name.
    /// @param version The model's version string.
    /// @param uri Where the weights' provenance is documented.
    /// @param kind Attested (a GGUF hash) or Proven (a committed decision model).
    event ModelRegistered(uint256 indexed modelHash, string name, string version, string uri, ModelKind kind);
    /// @notice Emitted when a registered model is approved for trading.
    /// @param modelHash The model's hash.
    event ModelApproved(uint256 indexed modelHash);
    /// @notice Emitted when a model is revoked; proofs naming it no longer execute.
    /// @param modelHash The model's hash.
    /// @param reason Why it was revoked.
    event ModelRevoked(uint256 indexed modelHash, string reason);

    /// @notice Whether proofs naming `modelHash` may execute now.
    /// @param modelHash The model's hash.
    /// @return True if the model is approved and not revoked.
    function isApproved(uint256 modelHash) external view returns (bool);

    /// @notice Whether proofs naming `modelHash` may execute now, and what kind of model it is.
    /// @param modelHash The model's hash.
    /// @return approved True if the model is approved and not revoked.
    /// @return kind Its kind (meaningful when registered).
    function approval(uint256 modelHash) external view returns (bool approved, ModelKind kind);

    /// @notice A model's current status.
    /// @param modelHash The model's hash.
    /// @return The status.
    function statusOf(uint256 modelHash) external view returns (ModelStatus);
}
