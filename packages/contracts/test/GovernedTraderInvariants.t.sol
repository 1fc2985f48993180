// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol";
import {WETH9} from "@chainlink/contracts/src/v0.8/vendor/canonical-weth/WETH9.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {DecentralizedTrader} from "../src/DecentralizedTrader.sol";
import {IDecentralizedTrader} from "../src/interfaces/IDecentralizedTrader.sol";
import {TestStablecoin} from "../src/mocks/TestStablecoin.sol";
import {KeccakPoseidonStandIn} from "./mocks/KeccakPoseidonStandIn.sol";
import {TraderHandler, TraderInvariantsTest} from "./TraderInvariants.t.sol";

/// @notice The trader behind a TimelockController, as `hardhat deploy` leaves it: this handler is
/// the timelock's proposer and executor (and the vault's guardian), and interleaves scheduled
/// policy changes and unpauses, executions attempted too early and on time, cancellations and
/// immediate guardian pauses with the forged-proof trades of the plain suite, keeping ghost books
/// of which change is in force.
contract GovernedTraderHandler is TraderHandler {
    struct Operation {
        bytes data;
        bytes32 salt;
        uint256 readyAt;
        bool setsCap;
        uint96 cap;
    }

    TimelockController public immutable timelock;
    Operation[] internal _operations;

    /// The cap the last executed change set (the one that must be in force).
    uint96 public ghostCapInForce;
    /// A change became visible on the trader before its operation executed after its delay.
    bool public changedBeforeItsDelay;
    /// A BUY executed past the cap in force at its block.
    bool public buyPastTheCapInForce;
    /// The guardian's pause did not take effect in its own call.
    bool public guardianPauseDelayed;
    uint256 public earlyExecutionsRefused;
    uint256 public changesExecuted;
    uint256 public changesCancelled;

    constructor(
        DecentralizedTrader trader_,
        MockV3Aggregator feed_,
        WETH9 base_,
        TestStablecoin quote_,
        TimelockController timelock_,
        KeccakPoseidonStandIn hasher_,
        uint96 initialCap
    ) TraderHandler(trader_, feed_, base_, quote_, address(timelock_), hasher_) {
        timelock = timelock_;
        ghostCapInForce = initialCap;
    }

    /// Schedules a new cap (any size: lowering it under open positions is the owner's right).
    function scheduleCap(uint96 maxPosition) external {
        IDecentralizedTrader.Policy memory p = trader.policy();
        p.maxPosition = uint96(bound(maxPosition, 1e17, 10e18));
        _schedule(abi.encodeCall(DecentralizedTrader.setPolicy, (p)), true, p.maxPosition);
    }

    /// Schedules lifting a pause (loosening is slow; only pausing is immediate).
    function scheduleUnpause() external {
        _schedule(abi.encodeCall(DecentralizedTrader.unpause, ()), false, 0);
    }

    /// Executes one scheduled change: refused (and nothing changes) before its delay has passed.
    function executeChange(uint256 index) external {
        if (_operations.length == 0) return;
        Operation storage op = _operations[index % _operations.length];
        if (!timelock.isOperationPending(_idOf(op))) return; // done or cancelled
        uint96 capBefore = trader.policy().maxPosition;
        bool pausedBefore = trader.paused();
        if (block.timestamp < op.readyAt) {
            try timelock.execute(address(trader), 0, op.data, bytes32(0), op.salt) {
                changedBeforeItsDelay = true;
            } catch {
                earlyExecutionsRefused++;
            }
            if (trader.policy().maxPosition != capBefore || trader.paused() != pausedBefore) {
                changedBeforeItsDelay = true;
            }
            return;
        }
        timelock.execute(address(trader), 0, op.data, bytes32(0), op.salt);
        changesExecuted++;
        if (op.setsCap) ghostCapInForce = op.cap;
    }

    /// Cancels one scheduled change: it can then never execute.
    function cancelChange(uint256 index) external {
        if (_operations.length == 0) return;
        Operation storage op = _operations[index % _operations.length];
        bytes32 id = _idOf(op);
        if (!timelock.isOperationPending(id)) return;
        timelock.cancel(id);
        changesCancelled++;
    }

    /// The guardian stops trading at once.
    function guardianPause() external {
        trader.pause();
        if (!trader.paused()) guardianPauseDelayed = true;
    }

    /// A BUY, checked against the cap in force at its block.
    function buyUnderTheCapInForce(uint96 size, bool second) external {
        address agent = _agent(second);
        uint256 before = trader.positionOf(agent);
        _trade(agent, 1, bound(size, 1, 5e18));
        uint256 after_ = trader.positionOf(agent);
        if (after_ > before && after_ > trader.policy().maxPosition) buyPastTheCapInForce = true;
    }

    /// How many changes were scheduled.
    function changesScheduled() external view returns (uint256) {
        return _operations.length;
    }

    function _schedule(bytes memory data, bool setsCap, uint96 cap) internal {
        uint256 delay = timelock.getMinDelay();
        bytes32 salt = bytes32(_operations.length);
        timelock.schedule(address(trader), 0, data, bytes32(0), salt, delay);
        _operations.push(Operation(data, salt, block.timestamp + delay, setsCap, cap));
    }

    function _idOf(Operation storage op) internal view returns (bytes32) {
        return timelock.hashOperation(address(trader), 0, op.data, bytes32(0), op.salt);
    }
}

/// @notice The plain suite's vault owned by a TimelockController with a one-day delay: the
/// exposure, loss-limit, nonce and window invariants still hold while changes are scheduled,
/// executed, refused too early and cancelled; a change is in force only after its delay; a BUY
/// never lands past the cap in force at its block; the guardian's pause is immediate.
contract GovernedTraderInvariantsTest is TraderInvariantsTest {
    uint256 internal constant DELAY = 1 days;
    TimelockController internal timelock;
    GovernedTraderHandler internal governed;

    function setUp() public override {
        _deployVault();
        address[] memory none = new address[](0);
        timelock = new TimelockController(DELAY, none, none, address(this));
        governed = new GovernedTraderHandler(trader, feed, base, quote, timelock, hasher, trader.policy().maxPosition);
        handler = governed;
        _authorizeAndFund();
        trader.setGuardian(address(governed));
        // The owner hands the vault to the timelock, which accepts through its own delay.
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(this));
        timelock.grantRole(timelock.EXECUTOR_ROLE(), address(this));
        trader.transferOwnership(address(timelock));
        bytes memory accept = abi.encodeWithSignature("acceptOwnership()");
        timelock.schedule(address(trader), 0, accept, bytes32(0), bytes32("accept"), DELAY);
        vm.warp(block.timestamp + DELAY);
        timelock.execute(address(trader), 0, accept, bytes32(0), bytes32("accept"));
        feed.updateAnswer(3_029e8); // fresh again after the wait
        // Only the handler governs from here on.
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governed));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governed));
        timelock.grantRole(timelock.EXECUTOR_ROLE(), address(governed));
        timelock.renounceRole(timelock.PROPOSER_ROLE(), address(this));
        timelock.renounceRole(timelock.EXECUTOR_ROLE(), address(this));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = GovernedTraderHandler.buyUnderTheCapInForce.selector;
        selectors[1] = TraderHandler.sell.selector;
        selectors[2] = TraderHandler.advance.selector;
        selectors[3] = TraderHandler.movePrice.selector;
        selectors[4] = TraderHandler.tradeOnForeignWindow.selector;
        selectors[5] = GovernedTraderHandler.scheduleCap.selector;
        selectors[6] = GovernedTraderHandler.scheduleUnpause.selector;
        selectors[7] = GovernedTraderHandler.executeChange.selector;
        selectors[8] = GovernedTraderHandler.cancelChange.selector;
        selectors[9] = GovernedTraderHandler.guardianPause.selector;
        targetSelector(StdInvariant.FuzzSelector({addr: address(governed), selectors: selectors}));
        targetContract(address(governed));
    }

    /// The timelock owns the vault; the handler's schedule, early execution, execution and
    /// cancellation each do what they should (so the invariants below are not vacuous).
    function test_scheduledChangesTakeEffectOnlyAfterTheirDelay() public {
        assertEq(trader.owner(), address(timelock));
        governed.scheduleCap(1e18);
        governed.executeChange(0); // too early
        assertEq(governed.earlyExecutionsRefused(), 1);
        assertEq(trader.policy().maxPosition, 2e18);
        vm.warp(block.timestamp + DELAY);
        governed.executeChange(0);
        assertEq(trader.policy().maxPosition, 1e18);
        assertEq(governed.ghostCapInForce(), 1e18);
        governed.scheduleCap(3e18);
        governed.cancelChange(1);
        vm.warp(block.timestamp + DELAY);
        governed.executeChange(1); // cancelled: nothing to execute
        assertEq(trader.policy().maxPosition, 1e18);
        assertEq(governed.changesCancelled(), 1);
        governed.guardianPause();
        assertTrue(trader.paused());
        assertFalse(governed.changedBeforeItsDelay());
    }

    /// The plain suite's per-agent cap invariant assumes the owner never lowers the cap under a
    /// position; here a scheduled change may (a lower cap does not force a sale), so the property
    /// is that no BUY lands past the cap in force at its block.
    function invariant_noAgentPositionExceedsTheCap() public view override {
        assertFalse(governed.buyPastTheCapInForce());
    }

    function invariant_aChangeIsInForceOnlyAfterItsDelay() public view {
        assertEq(trader.policy().maxPosition, governed.ghostCapInForce());
        assertFalse(governed.changedBeforeItsDelay());
    }

    function invariant_theGuardianPausesAtOnce() public view {
        assertFalse(governed.guardianPauseDelayed());
    }

    function invariant_onlyTheTimelockOwnsTheVault() public view {
        assertEq(trader.owner(), address(timelock));
    }
}
