// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IDecentralizedTrader} from "../interfaces/IDecentralizedTrader.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {SnarkField} from "../libraries/SnarkField.sol";

/// @notice The generated verifiers of the aggregation circuit's two chunks (same public inputs).
interface IAggregationVerifier {
    /// @notice Verifies one chunk's Groth16 proof over the 11 public inputs.
    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c,
        uint256[11] calldata publicSignals
    ) external view returns (bool);
}

/// @title FederatedRound
/// @notice Federated training rounds of a proven decision model, settled by a proof of correct
/// aggregation. The owner (the timelock on a live network) opens a round for an approved proven
/// base model with four allow-listed participants, a deadline and a clip bound; each participant
/// commits to its locally trained update (Poseidon(modelCommitment(update), salt)) and its sample
/// count; anyone (the aggregator) then finalises the round with the aggregate's commitment and the
/// two chunk proofs that it is exactly the sample-weighted FedAvg of the committed updates, each
/// within the clip bound of the base. The result is a candidate with its lineage, not a usable
/// model: it trades only once the registry's governor registers and approves it (time-locked).
/// @author zkagent
/// @dev Note: participants are allow-listed rather than bonded because sample counts are their
/// word: a known operator answers for an inflated count; bonds are open work. The round bounds that
/// word too: every count must lie in the round's [minSampleCount, maxSampleCount], checked here at
/// submission, so no participant's weight in the average can exceed
/// maxSampleCount / (maxSampleCount + 3 · minSampleCount), whatever it claims. Local training is not
/// proven, only the aggregation (circuits/src/circom/aggregation.circom).
/// A model's lineage is written once: the first round that produced it, and only if it was then a
/// new model (not already registered, not the round's base). A later round whose aggregate repeats
/// it is still finalised (the aggregate is fixed by the committed updates: refusing it would leave
/// that round unsettleable forever) but keeps the first lineage (LineageKept), so lineage never
/// points a model at itself or forms a cycle.
contract FederatedRound is Ownable2Step {
    /// @notice The participants per round: the aggregation circuit is compiled for four.
    uint256 public constant PARTICIPANTS = 4;
    /// @notice Sample counts are in [1, 2^16] (the circuit's range).
    uint256 public constant MAX_SAMPLE_COUNT = 1 << 16;
    /// @notice The clip bound (a squared L2 norm per chunk) is below 2^24 (the circuit's range).
    uint256 public constant MAX_CLIP_BOUND_SQUARED = (1 << 24) - 1;

    /// @notice One round.
    struct Round {
        uint256 baseModel;
        uint256 clipBoundSquared;
        uint40 deadline;
        /// The least sample count a participant may claim.
        uint32 minSampleCount;
        /// The most sample count a participant may claim (the cap on its weight).
        uint32 maxSampleCount;
        /// Zero until finalised.
        uint256 newModel;
        address[4] participants;
        uint256[4] updateCommitments;
        uint256[4] sampleCounts;
    }

    /// @notice A finalised round's output, by its commitment.
    struct Lineage {
        uint256 roundId;
        uint256 baseModel;
    }

    /// @notice The registry whose approved proven models rounds start from.
    IModelRegistry public immutable modelRegistry;
    /// @notice The verifier of chunk 0 (limbs 0..2) of the aggregation.
    IAggregationVerifier public immutable chunk0Verifier;
    /// @notice The verifier of chunk 1 (limbs 3..5).
    IAggregationVerifier public immutable chunk1Verifier;

    Round[] private _rounds;
    mapping(uint256 newModel => Lineage) private _lineage;

    /// @notice Thrown when the base model is not an approved proven model.
    error BaseNotApprovedProven(uint256 baseModel);
    /// @notice Thrown when a round's parameters are out of range.
    error InvalidRoundParameter(string name, uint256 value);
    /// @notice Thrown for a round id that does not exist.
    error UnknownRound(uint256 roundId);
    /// @notice Thrown when the caller is not one of the round's participants.
    error NotAParticipant(uint256 roundId, address caller);
    /// @notice Thrown when a participant submits twice.
    error AlreadySubmitted(uint256 roundId, address participant);
    /// @notice Thrown when a submission comes after the deadline.
    error RoundClosed(uint256 roundId, uint256 deadline);
    /// @notice Thrown for a sample count outside the round's [minSampleCount, maxSampleCount].
    error SampleCountOutOfRange(uint256 roundId, uint256 sampleCount, uint256 minSampleCount, uint256 maxSampleCount);
    /// @notice Thrown for an update commitment that is zero, outside the field, or another's.
    error InvalidUpdateCommitment(uint256 commitment);
    /// @notice Thrown when a round is finalised before every participant submitted.
    error RoundIncomplete(uint256 roundId, uint256 missingParticipant);
    /// @notice Thrown when a round is finalised twice.
    error RoundAlreadyFinalized(uint256 roundId, uint256 newModel);
    /// @notice Thrown when the new model's commitment is zero or outside the field.
    error InvalidNewModel(uint256 newModel);
    /// @notice Thrown when a chunk's proof does not verify.
    error InvalidAggregationProof(uint256 chunk);

    /// @notice Emitted when a round opens.
    event RoundOpened(
        uint256 indexed roundId,
        uint256 indexed baseModel,
        address[4] participants,
        uint256 deadline,
        uint256 clipBoundSquared,
        uint256 minSampleCount,
        uint256 maxSampleCount
    );
    /// @notice Emitted for every update commitment.
    event UpdateCommitted(
        uint256 indexed roundId,
        address indexed participant,
        uint256 updateCommitment,
        uint256 sampleCount
    );
    /// @notice Emitted when a round's aggregate is proven: a candidate for the registry.
    event FederatedModelProposed(
        uint256 indexed roundId,
        uint256 indexed baseModel,
        uint256 indexed newModel,
        address aggregator
    );
    /// @notice Emitted when a finalised aggregate is not a new model (it already has a lineage, or
    /// is registered: e.g. the round's base): its lineage is left as it was.
    /// @param roundId The round just finalised.
    /// @param newModel The aggregate's commitment.
    /// @param lineageRoundId The round recorded as its origin (meaningful if lineageBaseModel != 0).
    /// @param lineageBaseModel The base recorded as its origin; 0 if it has none (a model registered directly).
    event LineageKept(
        uint256 indexed roundId,
        uint256 indexed newModel,
        uint256 lineageRoundId,
        uint256 lineageBaseModel
    );

    /// @param owner_ Opens rounds (the timelock on a live network).
    /// @param modelRegistry_ The registry.
    /// @param chunk0Verifier_ AggregationVerifier0.
    /// @param chunk1Verifier_ AggregationVerifier1.
    constructor(
        address owner_,
        IModelRegistry modelRegistry_,
        IAggregationVerifier chunk0Verifier_,
        IAggregationVerifier chunk1Verifier_
    ) Ownable(owner_) {
        modelRegistry = modelRegistry_;
        chunk0Verifier = chunk0Verifier_;
        chunk1Verifier = chunk1Verifier_;
    }

    /// @notice Opens a round for `baseModel` (an approved proven model).
    /// @param baseModel The base model's commitment.
    /// @param participants The four allow-listed participants, distinct.
    /// @param deadline The last timestamp a submission is accepted.
    /// @param clipBoundSquared The bound on each update's squared L2 delta per chunk.
    /// @param minSampleCount The least sample count a participant may claim, at least 1.
    /// @param maxSampleCount The most a participant may claim, at most 2^16: with minSampleCount it
    /// caps any participant's share of the average at maxSampleCount / (maxSampleCount + 3·minSampleCount).
    /// @return roundId The new round's id.
    function openRound(
        uint256 baseModel,
        address[4] calldata participants,
        uint256 deadline,
        uint256 clipBoundSquared,
        uint256 minSampleCount,
        uint256 maxSampleCount
    ) external onlyOwner returns (uint256 roundId) {
        (bool approved, IModelRegistry.ModelKind kind) = modelRegistry.approval(baseModel);
        if (!approved || kind != IModelRegistry.ModelKind.Proven) revert BaseNotApprovedProven(baseModel);
        if (deadline <= block.timestamp || deadline > type(uint40).max) {
            revert InvalidRoundParameter("deadline", deadline);
        }
        if (clipBoundSquared == 0 || clipBoundSquared > MAX_CLIP_BOUND_SQUARED) {
            revert InvalidRoundParameter("clipBoundSquared", clipBoundSquared);
        }
        if (minSampleCount == 0 || minSampleCount > maxSampleCount) {
            revert InvalidRoundParameter("minSampleCount", minSampleCount);
        }
        if (maxSampleCount > MAX_SAMPLE_COUNT) revert InvalidRoundParameter("maxSampleCount", maxSampleCount);
        for (uint256 i; i < PARTICIPANTS; ++i) {
            if (participants[i] == address(0)) revert InvalidRoundParameter("participant", i);
            for (uint256 j; j < i; ++j) {
                if (participants[j] == participants[i]) revert InvalidRoundParameter("participant", i);
            }
        }
        roundId = _rounds.length;
        Round storage round = _rounds.push();
        round.baseModel = baseModel;
        round.clipBoundSquared = clipBoundSquared;
        round.deadline = uint40(deadline);
        round.minSampleCount = uint32(minSampleCount);
        round.maxSampleCount = uint32(maxSampleCount);
        round.participants = participants;
        emit RoundOpened(roundId, baseModel, participants, deadline, clipBoundSquared, minSampleCount, maxSampleCount);
    }

    /// @notice Commits the caller's update and sample count to round `roundId`, once.
    /// @param roundId The round.
    /// @param updateCommitment Poseidon(modelCommitment(update), salt).
    /// @param sampleCount The number of local training examples, in the round's [minSampleCount, maxSampleCount].
    function submitUpdate(uint256 roundId, uint256 updateCommitment, uint256 sampleCount) external {
        Round storage round = _round(roundId);
        if (block.timestamp > round.deadline) revert RoundClosed(roundId, round.deadline);
        if (sampleCount < round.minSampleCount || sampleCount > round.maxSampleCount) {
            revert SampleCountOutOfRange(roundId, sampleCount, round.minSampleCount, round.maxSampleCount);
        }
        if (updateCommitment == 0 || updateCommitment >= SnarkField.MODULUS) {
            revert InvalidUpdateCommitment(updateCommitment);
        }
        uint256 slot = PARTICIPANTS;
        for (uint256 i; i < PARTICIPANTS; ++i) {
            if (round.participants[i] == msg.sender) slot = i;
        }
        if (slot == PARTICIPANTS) revert NotAParticipant(roundId, msg.sender);
        // a participant's replay (even of its own commitment) is named as such
        if (round.sampleCounts[slot] != 0) revert AlreadySubmitted(roundId, msg.sender);
        for (uint256 i; i < PARTICIPANTS; ++i) {
            // the same update twice would double its weight in the average
            if (round.updateCommitments[i] == updateCommitment) revert InvalidUpdateCommitment(updateCommitment);
        }
        round.updateCommitments[slot] = updateCommitment;
        round.sampleCounts[slot] = sampleCount;
        emit UpdateCommitted(roundId, msg.sender, updateCommitment, sampleCount);
    }

    /// @notice Finalises a round whose four updates are committed: `newModel` must be the proven
    /// aggregate (both chunk proofs over the round's commitments, counts and clip bound). Anyone
    /// may call it. The result is recorded as a candidate with its lineage, if it is a new model
    /// (see the contract's note: a repeated aggregate keeps its first lineage, LineageKept).
    /// @param roundId The round.
    /// @param newModel The aggregate's commitment (the registry's format for proven models).
    /// @param proof0 Chunk 0's proof.
    /// @param proof1 Chunk 1's proof.
    function finalize(
        uint256 roundId,
        uint256 newModel,
        IDecentralizedTrader.Groth16Proof calldata proof0,
        IDecentralizedTrader.Groth16Proof calldata proof1
    ) external {
        Round storage round = _round(roundId);
        if (round.newModel != 0) revert RoundAlreadyFinalized(roundId, round.newModel);
        if (newModel == 0 || newModel >= SnarkField.MODULUS) revert InvalidNewModel(newModel);
        uint256[11] memory publicSignals;
        publicSignals[0] = round.baseModel;
        for (uint256 i; i < PARTICIPANTS; ++i) {
            if (round.sampleCounts[i] == 0) revert RoundIncomplete(roundId, i);
            publicSignals[1 + i] = round.updateCommitments[i];
            publicSignals[5 + i] = round.sampleCounts[i];
        }
        publicSignals[9] = newModel;
        publicSignals[10] = round.clipBoundSquared;
        if (!chunk0Verifier.verifyProof(proof0.a, proof0.b, proof0.c, publicSignals)) revert InvalidAggregationProof(0);
        if (!chunk1Verifier.verifyProof(proof1.a, proof1.b, proof1.c, publicSignals)) revert InvalidAggregationProof(1);
        // a new model only: not registered (the base is), no lineage yet; else the first record stays
        Lineage memory first = _lineage[newModel];
        bool isNew = first.baseModel == 0 && modelRegistry.statusOf(newModel) == IModelRegistry.ModelStatus.Unknown;
        round.newModel = newModel;
        if (isNew) _lineage[newModel] = Lineage(roundId, round.baseModel);
        else emit LineageKept(roundId, newModel, first.roundId, first.baseModel);
        emit FederatedModelProposed(roundId, round.baseModel, newModel, msg.sender);
    }

    /// @notice Round `roundId`.
    /// @param roundId The round.
    /// @return The round.
    function round(uint256 roundId) external view returns (Round memory) {
        return _round(roundId);
    }

    /// @notice How many rounds were opened.
    /// @return The count.
    function roundCount() external view returns (uint256) {
        return _rounds.length;
    }

    /// @notice Where a federated model came from: the first round that produced it as a new model,
    /// and that round's base (base 0 if none: read roundId only when baseModel != 0).
    /// @param newModel The model's commitment.
    /// @return The lineage.
    function lineageOf(uint256 newModel) external view returns (Lineage memory) {
        return _lineage[newModel];
    }

    function _round(uint256 roundId) private view returns (Round storage) {
        if (roundId >= _rounds.length) revert UnknownRound(roundId);
        return _rounds[roundId];
    }
}
