// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {SnarkField} from "./libraries/SnarkField.sol";

/// @title ModelRegistry
/// @notice Which models' signals may trade: register (with provenance), approve, revoke.
/// @author zkagent
/// @dev Note: the deployer holds GOVERNOR_ROLE and the admin role until it hands them to a
/// timelock or multisig (`grantRole` to it, then `revokeRole` of the old holder); on mainnet that
/// hand-over is part of deployment. Neither role can be renounced (a registry nobody governs could
/// never revoke a model). Revocation is final.
contract ModelRegistry is IModelRegistry, AccessControl {
    /// @notice The role that registers, approves and revokes models.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    /// @notice Provenance recorded at registration.
    struct ModelInfo {
        ModelStatus status;
        ModelKind kind;
        uint64 registeredAt;
        string name;
        string version;
        string uri;
    }

    mapping(uint256 modelHash => ModelInfo) private _models;

    /// @param governor The first holder of GOVERNOR_ROLE and of the admin role.
    constructor(address governor) {
        _grantRole(DEFAULT_ADMIN_ROLE, governor);
        _grantRole(GOVERNOR_ROLE, governor);
    }

    /// @notice Registers an attested model (a GGUF file) by hash; it cannot trade until approved.
    /// @param modelHash uint256(sha256(model file bytes)) >> 8.
    /// @param name A human-readable name.
    /// @param version The model's version.
    /// @param uri Where the weights' provenance is documented.
    function register(
        uint256 modelHash,
        string calldata name,
        string calldata version,
        string calldata uri
    ) external onlyRole(GOVERNOR_ROLE) {
        if (modelHash == 0 || modelHash >> 248 != 0) revert InvalidModelHash(modelHash);
        _register(modelHash, ModelKind.Attested, name, version, uri);
    }

    /// @notice Registers a proven decision model by its weight commitment (`zkagent model commit`);
    /// it cannot trade until approved. Proofs naming it carry its forward pass.
    /// @param commitment Poseidon(architecture id, weight limbs), below the field modulus.
    /// @param name A human-readable name.
    /// @param version The model's version.
    /// @param uri Where the training recipe and report are published.
    function registerProven(
        uint256 commitment,
        string calldata name,
        string calldata version,
        string calldata uri
    ) external onlyRole(GOVERNOR_ROLE) {
        if (commitment == 0 || commitment >= SnarkField.MODULUS) revert InvalidModelHash(commitment);
        _register(commitment, ModelKind.Proven, name, version, uri);
    }

    function _register(
        uint256 modelHash,
        ModelKind kind,
        string calldata name,
        string calldata version,
        string calldata uri
    ) private {
        if (_models[modelHash].status != ModelStatus.Unknown) revert ModelAlreadyRegistered(modelHash);
        _models[modelHash] = ModelInfo(ModelStatus.Registered, kind, uint64(block.timestamp), name, version, uri);
        emit ModelRegistered(modelHash, name, version, uri, kind);
    }

    /// @notice Approves a registered model for trading.
    /// @param modelHash The model's hash.
    function approve(uint256 modelHash) external onlyRole(GOVERNOR_ROLE) {
        ModelStatus status = _models[modelHash].status;
        if (status != ModelStatus.Registered) revert UnexpectedModelStatus(modelHash, status);
        _models[modelHash].status = ModelStatus.Approved;
        emit ModelApproved(modelHash);
    }

    /// @notice Revokes a registered or approved model, for good.
    /// @param modelHash The model's hash.
    /// @param reason Why (recorded in the event for auditors).
    function revoke(uint256 modelHash, string calldata reason) external onlyRole(GOVERNOR_ROLE) {
        ModelStatus status = _models[modelHash].status;
        if (status != ModelStatus.Registered && status != ModelStatus.Approved) {
            revert UnexpectedModelStatus(modelHash, status);
        }
        _models[modelHash].status = ModelStatus.Revoked;
        emit ModelRevoked(modelHash, reason);
    }

    /// @notice Refuses to renounce the governor or admin role: a registry nobody governs could never
    /// revoke a model again. Hand a role over with `grantRole` to the successor, then `revokeRole`.
    /// @param role The role.
    /// @param callerConfirmation The caller (OpenZeppelin's confirmation argument).
    function renounceRole(bytes32 role, address callerConfirmation) public override {
        if (role == GOVERNOR_ROLE || role == DEFAULT_ADMIN_ROLE) revert RoleCannotBeRenounced(role);
        super.renounceRole(role, callerConfirmation);
    }

    /// @inheritdoc IModelRegistry
    function isApproved(uint256 modelHash) external view returns (bool) {
        return _models[modelHash].status == ModelStatus.Approved;
    }

    /// @inheritdoc IModelRegistry
    function approval(uint256 modelHash) external view returns (bool approved, ModelKind kind) {
        ModelInfo storage info = _models[modelHash];
        return (info.status == ModelStatus.Approved, info.kind);
    }

    /// @inheritdoc IModelRegistry
    function statusOf(uint256 modelHash) external view returns (ModelStatus) {
        return _models[modelHash].status;
    }

    /// @notice Everything recorded about a model.
    /// @param modelHash The model's hash.
    /// @return The model's status and provenance.
    function modelInfo(uint256 modelHash) external view returns (ModelInfo memory) {
        return _models[modelHash];
    }
}
