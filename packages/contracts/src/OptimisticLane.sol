// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IDecentralizedTrader} from "./interfaces/IDecentralizedTrader.sol";
import {IOptimisticLane} from "./interfaces/IOptimisticLane.sol";
import {IPolicyVerifier} from "./interfaces/IPolicyVerifier.sol";
import {ISlashableTrader} from "./interfaces/ISlashableTrader.sol";

/// @title OptimisticLane
/// @notice Bonds, claims, challenges and ZK resolution for the traders' optimistic path. A trader
/// executes a trade without verifying its proof and opens a claim here; the agent's bond covers the
/// trade's worst loss. Anyone may challenge a claim within the challenge window by posting a
/// challenge bond; the agent must then post the proof for exactly that claim within the response
/// window. A valid proof pays the challenge bond to the agent; none in time slashes the agent's
/// whole bond for that vault (the challenger gets its bond back and `slashReward`, the vault the
/// rest) and deauthorises the agent there. Unchallenged claims finalise after the window; an agent
/// may settle early by posting proofs.
/// @author zkagent
/// @dev Note: a claim is stored as one word, the hash of its fields (which ClaimOpened emits and
/// every later call passes back), so opening one costs one new slot. Bonds are per (trader, agent):
/// a slash compensates the vault the agent traded for. The invariant the bond keeps: while an agent
/// has unsettled claims, its bond is at least the sum of their worst losses plus `slashReward`.
contract OptimisticLane is IOptimisticLane, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Shortest challenge and response windows accepted: long against reorgs and
    /// congestion, and a watcher must have time to re-check a claim.
    uint256 public constant MIN_WINDOW = 10 minutes;

    /// @notice A claim's fields; its hash is what the lane stores.
    struct Claim {
        address trader;
        address agent;
        uint32 nonce;
        bytes32 signalsHash;
        address verifier;
        uint96 worstLoss;
        uint40 challengeDeadline;
    }

    /// @notice An agent's bond for one trader (one slot).
    struct BondAccount {
        uint96 total;
        /// Sum of the worst losses of the agent's unsettled claims.
        uint96 locked;
        /// Unsettled claims.
        uint16 pending;
        bool slashed;
    }

    /// @notice A challenge of one claim (one slot).
    struct Challenge {
        address challenger;
        uint40 responseDeadline;
    }

    /// @dev Claim states other than open: the slot keeps a sentinel so a settled claim cannot be
    /// reopened, challenged or settled twice.
    bytes32 private constant SETTLED = bytes32(uint256(1));
    bytes32 private constant SLASHED = bytes32(uint256(2));

    IERC20 private immutable _bondToken;
    /// @notice How long after execution a claim may be challenged, in seconds.
    uint256 public immutable challengeWindow;
    /// @notice How long a challenged agent has to post the proof, in seconds.
    uint256 public immutable responseWindow;
    /// @notice What a challenger posts; paid to the agent if the proof verifies.
    uint256 public immutable challengeBond;
    /// @notice What a successful challenger earns from the slashed bond, beyond its own bond back.
    uint256 public immutable slashReward;
    /// @notice Most unsettled claims one agent may have per trader.
    uint256 public immutable maxPendingClaims;

    mapping(address trader => mapping(address agent => BondAccount)) private _bonds;
    mapping(bytes32 claimId => bytes32 digestOrState) private _claims;
    mapping(bytes32 claimId => Challenge) private _challenges;

    /// @notice Thrown when a constructor parameter is out of range.
    error InvalidLaneParameter(string name, uint256 value);
    /// @notice Thrown when an amount is zero.
    error ZeroAmount();
    /// @notice Thrown when a slashed agent tries to bond, claim, or be challenged for a trader.
    error AgentSlashedForTrader(address trader, address agent);
    /// @notice Thrown when the agent's free bond cannot cover a new claim.
    error InsufficientBond(uint256 bond, uint256 required);
    /// @notice Thrown when an agent has `maxPendingClaims` unsettled claims.
    error TooManyPendingClaims(address agent, uint256 pending);
    /// @notice Thrown when a withdrawal exceeds the bond not locked by unsettled claims.
    error BondLocked(uint256 amount, uint256 withdrawable);
    /// @notice Thrown when a claim's fields do not hash to an open claim.
    error UnknownClaim(bytes32 claimId);
    /// @notice Thrown when a claim is challenged after its window.
    error ChallengeWindowClosed(bytes32 claimId, uint256 deadline);
    /// @notice Thrown when a claim is challenged twice.
    error AlreadyChallenged(bytes32 claimId, address challenger);
    /// @notice Thrown when an unchallenged claim is finalised before its window ends.
    error ChallengeWindowOpen(bytes32 claimId, uint256 deadline);
    /// @notice Thrown when a challenged claim is finalised (it must be proven or slashed).
    error ClaimChallenged(bytes32 claimId);
    /// @notice Thrown when an unchallenged claim is slashed.
    error NotChallenged(bytes32 claimId);
    /// @notice Thrown when a claim is slashed before its response window ends.
    error ResponseWindowOpen(bytes32 claimId, uint256 deadline);
    /// @notice Thrown when the posted public signals are not the claim's.
    error SignalsMismatch(bytes32 claimId);
    /// @notice Thrown when the claim's verifier rejects the proof.
    error InvalidClaimProof(bytes32 claimId);
    /// @notice Thrown when batch arguments have different lengths.
    error LengthMismatch();

    /// @notice Emitted when an agent adds to its bond for a trader.
    event BondDeposited(address indexed trader, address indexed agent, uint256 amount);
    /// @notice Emitted when an agent withdraws free bond.
    event BondWithdrawn(address indexed trader, address indexed agent, uint256 amount, address to);
    /// @notice Emitted for every optimistic trade: all a watcher needs to re-check it.
    event ClaimOpened(bytes32 indexed claimId, Claim claim, uint256[5] publicSignals);
    /// @notice Emitted when a claim is challenged.
    event ClaimChallengedBy(bytes32 indexed claimId, address indexed challenger, uint256 responseDeadline);
    /// @notice Emitted when a claim's proof verifies (`challenger` zero if it was not challenged).
    event ClaimProven(bytes32 indexed claimId, address indexed challenger);
    /// @notice Emitted when an unchallenged claim's window passes.
    event ClaimFinalized(bytes32 indexed claimId);
    /// @notice Emitted when an agent is slashed for a challenged claim it did not prove.
    event AgentSlashed(
        bytes32 indexed claimId,
        address indexed trader,
        address indexed agent,
        address challenger,
        uint256 toVault,
        uint256 toChallenger,
        bool deauthorized
    );

    /// @param bondToken_ The token of bonds (the traders' quote token).
    /// @param challengeWindow_ Seconds a claim may be challenged.
    /// @param responseWindow_ Seconds a challenged agent has to prove.
    /// @param challengeBond_ What a challenger posts.
    /// @param slashReward_ What a successful challenger earns.
    /// @param maxPendingClaims_ Most unsettled claims per agent and trader.
    constructor(
        IERC20 bondToken_,
        uint256 challengeWindow_,
        uint256 responseWindow_,
        uint256 challengeBond_,
        uint256 slashReward_,
        uint256 maxPendingClaims_
    ) {
        if (address(bondToken_) == address(0)) revert InvalidLaneParameter("bondToken", 0);
        if (challengeWindow_ < MIN_WINDOW || challengeWindow_ > type(uint32).max) {
            revert InvalidLaneParameter("challengeWindow", challengeWindow_);
        }
        if (responseWindow_ < MIN_WINDOW || responseWindow_ > type(uint32).max) {
            revert InvalidLaneParameter("responseWindow", responseWindow_);
        }
        if (challengeBond_ == 0 || challengeBond_ > type(uint96).max) {
            revert InvalidLaneParameter("challengeBond", challengeBond_);
        }
        if (slashReward_ > type(uint96).max) revert InvalidLaneParameter("slashReward", slashReward_);
        if (maxPendingClaims_ == 0 || maxPendingClaims_ > type(uint16).max) {
            revert InvalidLaneParameter("maxPendingClaims", maxPendingClaims_);
        }
        _bondToken = bondToken_;
        challengeWindow = challengeWindow_;
        responseWindow = responseWindow_;
        challengeBond = challengeBond_;
        slashReward = slashReward_;
        maxPendingClaims = maxPendingClaims_;
    }

    // ----------------------------------------------------------------------------------------
    // Bonds
    // ----------------------------------------------------------------------------------------

    /// @notice Adds `amount` to the caller's bond for `trader`.
    /// @param trader The vault the bond covers.
    /// @param amount The amount, in bondToken units.
    function depositBond(address trader, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        BondAccount memory account = _bonds[trader][msg.sender];
        if (account.slashed) revert AgentSlashedForTrader(trader, msg.sender);
        account.total = (uint256(account.total) + amount).toUint96();
        _bonds[trader][msg.sender] = account;
        _bondToken.safeTransferFrom(msg.sender, address(this), amount);
        emit BondDeposited(trader, msg.sender, amount);
    }

    /// @notice Withdraws bond not locked by unsettled claims (nor reserved for their challenger).
    /// @param trader The vault the bond covers.
    /// @param amount The amount.
    /// @param to The receiver.
    function withdrawBond(address trader, uint256 amount, address to) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        BondAccount memory account = _bonds[trader][msg.sender];
        uint256 free = withdrawableBond(trader, msg.sender);
        if (amount > free) revert BondLocked(amount, free);
        account.total -= uint96(amount);
        _bonds[trader][msg.sender] = account;
        _bondToken.safeTransfer(to, amount);
        emit BondWithdrawn(trader, msg.sender, amount, to);
    }

    /// @notice The part of an agent's bond it may withdraw now.
    /// @param trader The vault.
    /// @param agent The agent.
    /// @return The amount.
    function withdrawableBond(address trader, address agent) public view returns (uint256) {
        BondAccount memory account = _bonds[trader][agent];
        uint256 reserved = uint256(account.locked) + (account.pending > 0 ? slashReward : 0);
        return account.total > reserved ? account.total - reserved : 0;
    }

    /// @notice An agent's bond account for a trader.
    /// @param trader The vault.
    /// @param agent The agent.
    /// @return The account.
    function bondOf(address trader, address agent) external view returns (BondAccount memory) {
        return _bonds[trader][agent];
    }

    /// @notice The bond an agent needs beyond what is locked to open a claim of `worstLoss`.
    /// @param worstLoss The claim's worst loss.
    /// @return The free bond required.
    function requiredFreeBond(uint256 worstLoss) external view returns (uint256) {
        return worstLoss + slashReward;
    }

    /// @inheritdoc IOptimisticLane
    function bondToken() external view returns (address) {
        return address(_bondToken);
    }

    // ----------------------------------------------------------------------------------------
    // Claims
    // ----------------------------------------------------------------------------------------

    /// @inheritdoc IOptimisticLane
    /// @dev The caller is the trader: a contract that is not a trader can only open claims against
    /// bonds posted for it, which no agent has reason to post.
    function openClaim(
        address agent,
        uint32 nonce,
        uint256[5] calldata publicSignals,
        address verifier,
        uint256 worstLoss
    ) external nonReentrant {
        address trader = msg.sender;
        BondAccount memory account = _bonds[trader][agent];
        if (account.slashed) revert AgentSlashedForTrader(trader, agent);
        if (account.pending >= maxPendingClaims) revert TooManyPendingClaims(agent, account.pending);
        uint256 required = uint256(account.locked) + worstLoss + slashReward;
        if (account.total < required) revert InsufficientBond(account.total, required);
        account.locked += uint96(worstLoss); // ≤ total (uint96), checked above
        account.pending += 1;
        _bonds[trader][agent] = account;

        bytes32 signalsHash;
        assembly ("memory-safe") {
            // keccak256(abi.encode(publicSignals)): five static words, hashed as they lie in calldata
            let ptr := mload(0x40)
            calldatacopy(ptr, publicSignals, 0xa0)
            signalsHash := keccak256(ptr, 0xa0)
        }
        Claim memory claim = Claim({
            trader: trader,
            agent: agent,
            nonce: nonce,
            signalsHash: signalsHash,
            verifier: verifier,
            worstLoss: uint96(worstLoss),
            challengeDeadline: uint40(block.timestamp + challengeWindow)
        });
        bytes32 id = claimIdOf(trader, agent, nonce);
        // nonces are spent by the trader before it calls here, so an id is never reused
        bytes32 digest;
        assembly ("memory-safe") {
            // keccak256(abi.encode(claim)): a memory struct of seven static members is laid out as
            // its ABI encoding, one cleaned word per member (what _requireOpen hashes from calldata)
            digest := keccak256(claim, 0xe0)
        }
        _claims[id] = digest;
        emit ClaimOpened(id, claim, publicSignals);
    }

    /// @notice Challenges an open claim: posts `challengeBond`, which the agent wins if it proves.
    /// @param claim The claim's fields, as ClaimOpened emitted them.
    function challenge(Claim calldata claim) external nonReentrant {
        bytes32 id = _requireOpen(claim);
        if (block.timestamp > claim.challengeDeadline) revert ChallengeWindowClosed(id, claim.challengeDeadline);
        Challenge memory existing = _challenges[id];
        if (existing.challenger != address(0)) revert AlreadyChallenged(id, existing.challenger);
        if (_bonds[claim.trader][claim.agent].slashed) revert AgentSlashedForTrader(claim.trader, claim.agent);
        uint40 responseDeadline = uint40(block.timestamp + responseWindow);
        _challenges[id] = Challenge(msg.sender, responseDeadline);
        _bondToken.safeTransferFrom(msg.sender, address(this), challengeBond);
        emit ClaimChallengedBy(id, msg.sender, responseDeadline);
    }

    /// @notice Settles a claim with its proof: answers a challenge (the challenge bond goes to the
    /// agent) or settles an unchallenged claim early. Anyone may post it.
    /// @param claim The claim's fields.
    /// @param proof The Groth16 proof.
    /// @param publicSignals The claim's public signals.
    function prove(
        Claim calldata claim,
        IDecentralizedTrader.Groth16Proof calldata proof,
        uint256[5] calldata publicSignals
    ) external nonReentrant {
        _prove(claim, proof, publicSignals);
    }

    /// @notice Settles several claims with their proofs in one transaction.
    /// @param claims The claims.
    /// @param proofs Their proofs, in the same order.
    /// @param publicSignals Their public signals, in the same order.
    function proveMany(
        Claim[] calldata claims,
        IDecentralizedTrader.Groth16Proof[] calldata proofs,
        uint256[5][] calldata publicSignals
    ) external nonReentrant {
        if (claims.length != proofs.length || claims.length != publicSignals.length) revert LengthMismatch();
        for (uint256 i; i < claims.length; ++i) {
            _prove(claims[i], proofs[i], publicSignals[i]);
        }
    }

    /// @notice Finalises an unchallenged claim whose window has passed, releasing its bond. Anyone.
    /// @param claim The claim's fields.
    function finalize(Claim calldata claim) external nonReentrant {
        _finalize(claim);
    }

    /// @notice Finalises several unchallenged claims whose windows have passed, in one transaction
    /// (one transaction's base cost and L1 data for all of them). All or nothing: one claim that
    /// may not be finalised reverts the batch with its own error.
    /// @param claims The claims' fields.
    function finalizeMany(Claim[] calldata claims) external nonReentrant {
        for (uint256 i; i < claims.length; ++i) {
            _finalize(claims[i]);
        }
    }

    /// @notice Slashes an agent that did not prove a challenged claim in time: its whole bond for
    /// the trader is paid out (the challenger gets its bond back and `slashReward`, the vault the
    /// rest) and the trader deauthorises it. Anyone may call it.
    /// @param claim The claim's fields.
    function slash(Claim calldata claim) external nonReentrant {
        bytes32 id = _requireOpen(claim);
        Challenge memory c = _challenges[id];
        if (c.challenger == address(0)) revert NotChallenged(id);
        if (block.timestamp <= c.responseDeadline) revert ResponseWindowOpen(id, c.responseDeadline);

        BondAccount memory account = _bonds[claim.trader][claim.agent];
        uint256 reward = account.total < slashReward ? account.total : slashReward;
        uint256 toVault = account.total - reward;
        _bonds[claim.trader][claim.agent] = BondAccount({total: 0, locked: 0, pending: 0, slashed: true});
        _claims[id] = SLASHED;

        // A trader that has since moved to another lane no longer accepts this lane's revocation;
        // the slash pays out all the same.
        bool deauthorized;
        try ISlashableTrader(claim.trader).revokeSlashedAgent(claim.agent) {
            deauthorized = true;
        } catch {}
        if (toVault != 0) _bondToken.safeTransfer(claim.trader, toVault);
        _bondToken.safeTransfer(c.challenger, challengeBond + reward);
        emit AgentSlashed(id, claim.trader, claim.agent, c.challenger, toVault, challengeBond + reward, deauthorized);
    }

    /// @notice The id of the claim for an agent's trade at `nonce` on `trader`.
    /// @param trader The vault.
    /// @param agent The agent.
    /// @param nonce The trade's nonce.
    /// @return The claim id.
    function claimIdOf(address trader, address agent, uint32 nonce) public pure returns (bytes32) {
        return keccak256(abi.encode(trader, agent, nonce));
    }

    /// @notice A claim's state: 0 none, 1 open, 2 challenged, 3 settled (proven or finalised), 4
    /// slashed.
    /// @param claimId The claim id.
    /// @return state The state.
    /// @return challenger The challenger, if any.
    /// @return responseDeadline The response deadline, if challenged.
    function claimState(
        bytes32 claimId
    ) external view returns (uint8 state, address challenger, uint256 responseDeadline) {
        bytes32 slot = _claims[claimId];
        Challenge memory c = _challenges[claimId];
        if (slot == bytes32(0)) state = 0;
        else if (slot == SETTLED) state = 3;
        else if (slot == SLASHED) state = 4;
        else state = c.challenger == address(0) ? 1 : 2;
        return (state, c.challenger, c.responseDeadline);
    }

    function _prove(
        Claim calldata claim,
        IDecentralizedTrader.Groth16Proof calldata proof,
        uint256[5] calldata publicSignals
    ) private {
        bytes32 id = _requireOpen(claim);
        if (keccak256(abi.encode(publicSignals)) != claim.signalsHash) revert SignalsMismatch(id);
        if (!IPolicyVerifier(claim.verifier).verifyProof(proof.a, proof.b, proof.c, publicSignals)) {
            revert InvalidClaimProof(id);
        }
        _settle(id, claim);
        address challenger = _challenges[id].challenger;
        if (challenger != address(0)) _bondToken.safeTransfer(claim.agent, challengeBond);
        emit ClaimProven(id, challenger);
    }

    /// @dev Marks a claim settled and releases its lock (nothing to release once the agent was
    /// slashed: the slash paid out the whole bond).
    function _finalize(Claim calldata claim) private {
        bytes32 id = _requireOpen(claim);
        if (block.timestamp <= claim.challengeDeadline) revert ChallengeWindowOpen(id, claim.challengeDeadline);
        if (_challenges[id].challenger != address(0)) revert ClaimChallenged(id);
        _settle(id, claim);
        emit ClaimFinalized(id);
    }

    function _settle(bytes32 id, Claim calldata claim) private {
        _claims[id] = SETTLED;
        BondAccount memory account = _bonds[claim.trader][claim.agent];
        if (account.slashed) return;
        account.locked -= claim.worstLoss;
        account.pending -= 1;
        _bonds[claim.trader][claim.agent] = account;
    }

    function _requireOpen(Claim calldata claim) private view returns (bytes32 id) {
        id = claimIdOf(claim.trader, claim.agent, claim.nonce);
        if (_claims[id] != keccak256(abi.encode(claim))) revert UnknownClaim(id);
    }
}
