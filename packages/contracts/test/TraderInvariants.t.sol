// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol";
import {WETH9} from "@chainlink/contracts/src/v0.8/vendor/canonical-weth/WETH9.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IUniswapV3Factory} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Factory.sol";
import {Test} from "forge-std/Test.sol";

import {DecentralizedTrader} from "../src/DecentralizedTrader.sol";
import {TradeLimits} from "../src/base/TradeLimits.sol";
import {IDecentralizedTrader} from "../src/interfaces/IDecentralizedTrader.sol";
import {IModelRegistry} from "../src/interfaces/IModelRegistry.sol";
import {IPolicyVerifier} from "../src/interfaces/IPolicyVerifier.sol";
import {IPoseidonT3, IPoseidonT6} from "../src/interfaces/IPoseidon.sol";
import {ModelRegistry} from "../src/ModelRegistry.sol";
import {WindowLog} from "../src/WindowLog.sol";
import {TestStablecoin} from "../src/mocks/TestStablecoin.sol";
import {KeccakPoseidonStandIn} from "./mocks/KeccakPoseidonStandIn.sol";
import {OraclePricedPool} from "./mocks/OraclePricedPool.sol";
import {Create2PoolFactory} from "../src/mocks/Create2PoolFactory.sol";
import {ForgedProofVerifier} from "../src/mocks/ForgedProofVerifier.sol";

/// @notice Drives the trader as the owner and as two agents behind a verifier that accepts every
/// proof (a forged proof: leaked setup randomness, a verifier bug), proposing trades that break the
/// cap, no-short, the vault's exposure and its loss limits, and keeps ghost books of what should
/// have happened. What stays bounded here stays bounded when a proof lies.
contract TraderHandler is Test {
    DecentralizedTrader public immutable trader;
    MockV3Aggregator public immutable feed;
    WETH9 public immutable base;
    TestStablecoin public immutable quote;
    address public immutable owner;
    uint256 public constant MODEL = 7;

    uint256 public executedTrades;
    uint256 public lastNonce;
    bool public nonceEverDecreased;
    uint256 public ghostBaseBought;
    uint256 public ghostBaseSold;
    uint256 public ghostBaseDeposited;
    uint256 public ghostBaseWithdrawn;
    /// Trades that executed over a window other than the feed's 30 rounds ending at its latest.
    uint256 public tradesOffTheFeedsWindow;
    uint256 public windowAttacksTried;
    KeccakPoseidonStandIn public immutable hasher;
    /// The second agent (the first is this handler).
    address public constant SECOND_AGENT = address(0xA9E27);
    /// Oracle-valued notional of executed trades, per period, counted here independently.
    mapping(uint256 period => uint256) public ghostNotionalInPeriod;
    mapping(uint256 period => mapping(address agent => uint256)) public ghostAgentNotionalInPeriod;
    mapping(uint256 period => uint256) public ghostTradesInPeriod;
    mapping(uint256 blockNumber => uint256) public ghostTradesInBlock;
    bool public lossLimitBreached;
    uint256 public limitRefusals;

    constructor(
        DecentralizedTrader trader_,
        MockV3Aggregator feed_,
        WETH9 base_,
        TestStablecoin quote_,
        address owner_,
        KeccakPoseidonStandIn hasher_
    ) {
        (trader, feed, base, quote, owner, hasher) = (trader_, feed_, base_, quote_, owner_, hasher_);
    }

    /// The commitment to the feed's 30 rounds ending at `roundId`, computed here from the feed,
    /// independently of the WindowLog (the same layout: three prices per limb, 5 + 5 limbs).
    function feedWindowCommitment(uint80 roundId) public view returns (uint256) {
        uint256[5] memory low;
        uint256[5] memory high;
        for (uint256 i; i < 30; ++i) {
            (, int256 answer, , , ) = feed.getRoundData(uint80(roundId - 29 + i));
            uint256 term = uint256(answer) << (64 * (i % 3));
            if (i / 3 < 5) low[i / 3] |= term;
            else high[i / 3 - 5] |= term;
        }
        return hasher.hash([hasher.hash(low), hasher.hash(high)]);
    }

    function _signals(
        address agent,
        uint8 action,
        uint256 size,
        uint256 position
    ) internal view returns (uint256[5] memory s) {
        (uint80 roundId, , , , ) = feed.latestRoundData();
        return _signalsOver(agent, roundId, feedWindowCommitment(roundId), action, size, position);
    }

    function _signalsOver(
        address agent,
        uint80 roundId,
        uint256 commitment,
        uint8 action,
        uint256 size,
        uint256 position
    ) internal view returns (uint256[5] memory s) {
        IDecentralizedTrader.Policy memory p = trader.policy();
        (, int256 answer, , , ) = feed.getRoundData(roundId);
        s[0] = commitment;
        s[1] = uint256(uint64(uint256(answer))) | (uint256(roundId) << 64) | (size << 144) | (uint256(action) << 240);
        s[2] = uint256(p.maxPosition) | (uint256(p.thresholdBps) << 96) | (position << 112);
        s[3] = MODEL;
        s[4] = trader.expectedContext(agent);
    }

    function _agent(bool second) internal view returns (address) {
        return second ? SECOND_AGENT : address(this);
    }

    function _trade(address agent, uint8 action, uint256 size) internal {
        uint256 position = trader.positionOf(agent);
        uint256 baseBefore = base.balanceOf(address(trader));
        IDecentralizedTrader.Groth16Proof memory proof;
        uint256[5] memory signals = _signals(agent, action, size, position);
        (, int256 answer, , , ) = feed.latestRoundData();
        uint256 notional = (size * uint256(answer)) / 1e20;
        vm.prank(agent);
        try trader.executeTrade(proof, signals, block.timestamp, 0) {
            executedTrades++;
            (uint80 latest, , , , ) = feed.latestRoundData();
            if (signals[0] != feedWindowCommitment(latest)) tradesOffTheFeedsWindow++;
            if (action == 1) ghostBaseBought += size;
            else ghostBaseSold += size;
            _countAgainstLimits(agent, notional);
        } catch (bytes memory reason) {
            bytes4 selector = bytes4(reason);
            if (
                selector == TradeLimits.VaultExposureExceeded.selector ||
                selector == TradeLimits.AgentNotionalPerPeriodExceeded.selector ||
                selector == TradeLimits.VaultNotionalPerPeriodExceeded.selector ||
                selector == TradeLimits.AgentTradesPerPeriodExceeded.selector ||
                selector == TradeLimits.VaultTradesPerPeriodExceeded.selector ||
                selector == TradeLimits.TradesPerBlockExceeded.selector
            ) limitRefusals++;
            // a rejected trade must leave the position and the vault's base balance untouched
            assertEq(trader.positionOf(agent), position, "position moved on a rejected trade");
            assertEq(base.balanceOf(address(trader)), baseBefore, "vault moved on a rejected trade");
        }
        uint256 nonce = trader.nonceOf(address(this)) + trader.nonceOf(SECOND_AGENT);
        if (nonce < lastNonce) nonceEverDecreased = true;
        lastNonce = nonce;
    }

    /// The limits, recounted from executed trades alone.
    function _countAgainstLimits(address agent, uint256 notional) internal {
        TradeLimits.RiskLimits memory l = trader.riskLimits();
        uint256 period = block.timestamp / l.period;
        ghostNotionalInPeriod[period] += notional;
        ghostAgentNotionalInPeriod[period][agent] += notional;
        ghostTradesInPeriod[period] += 1;
        ghostTradesInBlock[block.number] += 1;
        if (
            ghostNotionalInPeriod[period] > l.maxNotionalPerVaultPerPeriod ||
            ghostAgentNotionalInPeriod[period][agent] > l.maxNotionalPerAgentPerPeriod ||
            ghostTradesInPeriod[period] > l.maxTradesPerVaultPerPeriod ||
            ghostTradesInBlock[block.number] > l.maxTradesPerBlock
        ) lossLimitBreached = true;
    }

    /// Time and blocks pass, so periods and blocks turn over.
    function advance(uint32 secondsLater, uint8 blocksLater) external {
        vm.warp(block.timestamp + bound(secondsLater, 0, 2 days));
        vm.roll(block.number + bound(blocksLater, 0, 3));
        // the oracle must stay fresh for trades to be possible at all
        (, int256 answer, , , ) = feed.latestRoundData();
        feed.updateAnswer(answer);
    }

    function buy(uint96 size, bool second) external {
        _trade(_agent(second), 1, bound(size, 1, 5e18));
    }

    function sell(uint96 size, bool second) external {
        _trade(_agent(second), 2, bound(size, 1, 5e18));
    }

    /// A proof over a window that is not the feed's: a fabricated commitment, or the real window
    /// of an older round that is still fresh. The (lying) verifier accepts anything that obeys the
    /// public rules, so only the window check stands between these and a swap.
    function tradeOnForeignWindow(uint96 size, uint256 fabricated, uint8 roundsBack, bool buy) external {
        (uint80 latest, , , , ) = feed.latestRoundData();
        uint80 roundId = uint80(latest - bound(roundsBack, 0, 3));
        uint256 commitment = roundId == latest ? fabricated : feedWindowCommitment(roundId);
        if (commitment == feedWindowCommitment(latest)) return;
        windowAttacksTried++;
        uint256 position = trader.positionOf(address(this));
        uint8 action = buy ? 1 : 2;
        // (the trade limits may refuse it first; either way it must not execute)
        size = uint96(bound(size, 1, buy ? 1e18 : (position == 0 ? 1 : position)));
        uint256 baseBefore = base.balanceOf(address(trader));
        IDecentralizedTrader.Groth16Proof memory proof;
        try
            trader.executeTrade(
                proof,
                _signalsOver(address(this), roundId, commitment, action, size, position),
                block.timestamp,
                0
            )
        {
            executedTrades++;
            tradesOffTheFeedsWindow++;
        } catch {
            assertEq(trader.positionOf(address(this)), position, "position moved on a foreign window");
            assertEq(base.balanceOf(address(trader)), baseBefore, "vault moved on a foreign window");
        }
    }

    function hold() external {
        _trade(address(this), 0, 0);
    }

    /// The owner may raise or lower the cap, never below the agent's current position.
    function setMaxPosition(uint96 maxPosition) external {
        IDecentralizedTrader.Policy memory p = trader.policy();
        uint256 largest = trader.positionOf(address(this));
        if (trader.positionOf(SECOND_AGENT) > largest) largest = trader.positionOf(SECOND_AGENT);
        p.maxPosition = uint96(bound(maxPosition, largest + 1, 10e18));
        vm.prank(owner);
        trader.setPolicy(p);
    }

    function togglePause(bool pause) external {
        vm.prank(owner);
        if (pause) trader.pause();
        else trader.unpause();
    }

    /// The owner adds base to the vault: the books move by exactly that, the position not at all.
    function depositBase(uint96 amount) external {
        amount = uint96(bound(amount, 0, 10e18));
        uint256 position = trader.positionOf(address(this));
        vm.deal(owner, amount);
        vm.startPrank(owner);
        base.deposit{value: amount}();
        base.approve(address(trader), amount);
        trader.deposit(IERC20(address(base)), amount);
        vm.stopPrank();
        ghostBaseDeposited += amount;
        assertEq(trader.positionOf(address(this)), position, "a deposit moved the position");
    }

    /// The owner takes base out (up to all of it: a later SELL may then fail for lack of funds).
    function withdrawBase(uint96 amount) external {
        amount = uint96(bound(amount, 0, base.balanceOf(address(trader))));
        uint256 position = trader.positionOf(address(this));
        vm.prank(owner);
        trader.withdraw(IERC20(address(base)), amount, owner);
        ghostBaseWithdrawn += amount;
        assertEq(trader.positionOf(address(this)), position, "a withdrawal moved the position");
    }

    /// The owner moves quote in or out, so BUYs meet both a funded and an empty vault.
    function moveQuote(uint128 amount, bool isDeposit) external {
        if (isDeposit) {
            amount = uint128(bound(amount, 0, 1e12));
            quote.mint(owner, amount);
            vm.startPrank(owner);
            quote.approve(address(trader), amount);
            trader.deposit(IERC20(address(quote)), amount);
            vm.stopPrank();
        } else {
            amount = uint128(bound(amount, 0, quote.balanceOf(address(trader))));
            vm.prank(owner);
            trader.withdraw(IERC20(address(quote)), amount, owner);
        }
    }

    function movePrice(uint64 price) external {
        feed.updateAnswer(int256(bound(price, 1_000e8, 5_000e8)));
    }
}

/// @notice Invariants of the vault over random sequences of trades, deposits, withdrawals, policy
/// changes and pauses.
contract TraderInvariantsTest is Test {
    DecentralizedTrader internal trader;
    TraderHandler internal handler;
    WETH9 internal base;
    TestStablecoin internal quote;
    MockV3Aggregator internal feed;
    KeccakPoseidonStandIn internal hasher;
    address internal pool;
    uint256 internal initialBase;

    function setUp() public virtual {
        _deployVault();
        handler = new TraderHandler(trader, feed, base, quote, address(this), hasher);
        _authorizeAndFund();
        targetContract(address(handler));
    }

    /// The vault, owned by this test, behind a verifier that accepts every proof, on a stand-in
    /// pool that fills at the oracle price.
    function _deployVault() internal {
        base = new WETH9();
        quote = new TestStablecoin();
        feed = new MockV3Aggregator(8, 3_000e8);
        // a window needs 30 rounds
        for (uint256 i = 1; i < 30; ++i) feed.updateAnswer(int256(3_000e8 + i * 1e8));
        hasher = new KeccakPoseidonStandIn();
        WindowLog windowLog = new WindowLog(
            AggregatorV3Interface(address(feed)),
            IPoseidonT3(address(hasher)),
            IPoseidonT6(address(hasher))
        );
        Create2PoolFactory factory = new Create2PoolFactory();
        (address token0, address token1) = address(base) < address(quote)
            ? (address(base), address(quote))
            : (address(quote), address(base));
        bytes memory poolInitCode = abi.encodePacked(
            type(OraclePricedPool).creationCode,
            abi.encode(token0, token1, address(base), address(feed))
        );
        pool = factory.deploy(token0, token1, 3000, poolInitCode);
        ModelRegistry registry = new ModelRegistry(address(this));
        registry.register(7, "invariant model", "1", "test://");
        registry.approve(7);
        trader = new DecentralizedTrader(
            address(this),
            DecentralizedTrader.Wiring({
                baseToken: IERC20(address(base)),
                quoteToken: IERC20(address(quote)),
                uniswapFactory: IUniswapV3Factory(address(factory)),
                poolInitCodeHash: keccak256(poolInitCode),
                priceFeed: AggregatorV3Interface(address(feed)),
                sequencerUptimeFeed: AggregatorV3Interface(address(0)),
                sequencerGracePeriod: 0,
                modelRegistry: IModelRegistry(address(registry)),
                verifier: IPolicyVerifier(address(new ForgedProofVerifier())),
                modelVerifier: IPolicyVerifier(address(0)),
                windowLog: windowLog
            }),
            IDecentralizedTrader.Policy({
                maxPosition: 2e18,
                thresholdBps: 100,
                maxSlippageBps: 100,
                maxOracleAge: 365 days,
                poolFee: 3000
            }),
            // The vault's exposure (3 ETH) binds before the two agents' caps (2 × 2 ETH) do.
            TradeLimits.RiskLimits({
                maxVaultPosition: 3e18,
                maxNotionalPerAgentPerPeriod: 20_000e6,
                maxNotionalPerVaultPerPeriod: 30_000e6,
                period: 1 days,
                maxTradesPerAgentPerPeriod: 8,
                maxTradesPerVaultPerPeriod: 12,
                maxTradesPerBlock: 3
            })
        );
    }

    /// Both agents authorised, the pool stocked, the vault holding quote.
    function _authorizeAndFund() internal {
        trader.setAgentAuthorization(address(handler), true);
        trader.setAgentAuthorization(handler.SECOND_AGENT(), true);
        vm.deal(address(this), 1e24);
        base.deposit{value: 1e24}();
        base.transfer(pool, 1e24);
        quote.mint(pool, 1e30);
        quote.mint(address(this), 1e30);
        quote.approve(address(trader), type(uint256).max);
        trader.deposit(IERC20(address(quote)), 1e24);
        initialBase = base.balanceOf(address(trader));
    }

    /// The handler's proposals do execute (so the invariants below are not vacuous).
    function test_handlerExecutesBuysAndSells() public {
        handler.buy(1e18, false);
        handler.sell(4e17, false);
        handler.buy(1e18, true);
        assertEq(handler.executedTrades(), 3);
        assertEq(trader.positionOf(address(handler)), 6e17);
        assertEq(trader.totalPosition(), 16e17);
    }

    /// A forged proof past the cap, a short sale, and trades past the exposure and loss limits are
    /// each refused (so the invariants below are not vacuous).
    function test_forgedProofsPastEveryLimitAreRefused() public {
        handler.buy(25e17, false); // past the agent's 2 ETH cap
        handler.sell(1, false); // short: the position is 0
        assertEq(handler.executedTrades(), 0);
        handler.buy(2e18, false);
        handler.buy(15e17, true); // 3.5 ETH > the vault's 3 ETH exposure
        assertEq(handler.executedTrades(), 1);
        assertEq(handler.limitRefusals(), 1);
        handler.buy(1e18, true); // the second trade in this block
        handler.sell(1e17, true); // the third
        handler.sell(1e17, true); // the fourth: past 3 per block
        assertEq(handler.limitRefusals(), 2);
        assertFalse(handler.lossLimitBreached());
    }

    /// A fabricated window and a superseded round are each refused (so the invariant below is not vacuous).
    function test_handlerTriesForeignWindowsAndTheyFail() public {
        handler.tradeOnForeignWindow(1e17, 12345, 0, true);
        handler.tradeOnForeignWindow(1e17, 0, 1, true);
        assertEq(handler.windowAttacksTried(), 2);
        assertEq(handler.executedTrades(), 0);
    }

    function invariant_everyTradeIsOverTheFeedsWindowAtItsBlock() public view {
        assertEq(handler.tradesOffTheFeedsWindow(), 0);
    }

    function invariant_noAgentPositionExceedsTheCap() public view virtual {
        uint256 cap = trader.policy().maxPosition;
        assertLe(trader.positionOf(address(handler)), cap);
        assertLe(trader.positionOf(handler.SECOND_AGENT()), cap);
    }

    function invariant_vaultExposureNeverExceedsItsLimitAndIsTheSumOfPositions() public view {
        uint256 total = trader.positionOf(address(handler)) + trader.positionOf(handler.SECOND_AGENT());
        assertEq(trader.totalPosition(), total);
        assertLe(total, trader.riskLimits().maxVaultPosition);
    }

    function invariant_lossLimitsHold() public view {
        assertFalse(handler.lossLimitBreached());
    }

    function invariant_nonceCountsExecutedTradesAndNeverDecreases() public view {
        assertEq(trader.nonceOf(address(handler)) + trader.nonceOf(handler.SECOND_AGENT()), handler.executedTrades());
        assertFalse(handler.nonceEverDecreased());
    }

    function invariant_vaultBaseMovesOnlyThroughExecutedSwaps() public view {
        assertEq(
            base.balanceOf(address(trader)),
            initialBase +
                handler.ghostBaseDeposited() +
                handler.ghostBaseBought() -
                handler.ghostBaseWithdrawn() -
                handler.ghostBaseSold()
        );
        // no short sale ever: what was sold never exceeds what was bought
        assertEq(
            trader.positionOf(address(handler)) + trader.positionOf(handler.SECOND_AGENT()),
            handler.ghostBaseBought() - handler.ghostBaseSold()
        );
    }
}
