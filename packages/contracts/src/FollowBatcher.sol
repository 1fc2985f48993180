// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISignalFollower} from "./interfaces/ISignalFollower.sol";

/// @title FollowBatcher
/// @notice Executes verified signals for many follower vaults in one transaction: a keeper serving
/// many vaults pays the transaction's base cost once, and the feeds, the hub, the registry, the
/// pools and the tokens are cold only for the first follow that touches them. Each follow is the
/// vault's own `followSignal` (its own cap, position, limits, slippage bound, once per round), so
/// the batch adds no trust: it holds nothing, keeps no state and can do nothing a keeper calling
/// each vault in turn could not.
/// @author zkagent
/// @dev Note: a follow the vault refuses (paused, nothing to follow, already followed, a stale
/// round) is skipped and reported with its error's selector, so one vault's state changing between
/// the keeper's simulation and inclusion does not cost every other vault its trade. Only the first
/// 4 bytes of a refusal are copied, so a hostile "vault" cannot make the batch pay for a huge
/// revert reason; it can still burn the gas the keeper gives it, so keepers batch vaults they know.
contract FollowBatcher {
    /// @notice One vault's follow of one verified signal.
    struct Follow {
        ISignalFollower vault;
        uint80 roundId;
        uint256 pricesCommitment;
        uint256 modelHash;
    }

    /// @notice Thrown for a batch with nothing in it.
    error EmptyBatch();

    /// @notice Emitted when a vault refused its follow (nothing changed for it); `reason` is the
    /// selector of its custom error (zero if it returned no error, or is not a vault).
    event FollowSkipped(address indexed vault, uint80 roundId, bytes4 reason);

    /// @notice Calls `followSignal` on each vault in order; a refusal is skipped, not fatal.
    /// @param follows The vaults and the signals they follow.
    /// @return executed How many vaults executed their follow.
    function followAll(Follow[] calldata follows) external returns (uint256 executed) {
        if (follows.length == 0) revert EmptyBatch();
        for (uint256 i; i < follows.length; ++i) {
            Follow calldata f = follows[i];
            bytes memory data = abi.encodeCall(
                ISignalFollower.followSignal,
                (f.roundId, f.pricesCommitment, f.modelHash)
            );
            (bool followed, bytes4 reason) = _call(address(f.vault), data);
            if (followed) {
                ++executed;
            } else {
                emit FollowSkipped(address(f.vault), f.roundId, reason);
            }
        }
    }

    /// @dev A call that copies at most 4 bytes of a revert reason. A success counts only if the
    /// callee returned followSignal's two words: an account without code "succeeds" with nothing.
    function _call(address vault, bytes memory data) private returns (bool followed, bytes4 reason) {
        // Solidity copies the whole return data of a call; only 4 bytes may be copied here.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ok := call(gas(), vault, 0, add(data, 0x20), mload(data), 0, 0)
            followed := and(ok, eq(returndatasize(), 0x40))
            if and(iszero(ok), gt(returndatasize(), 3)) {
                returndatacopy(0, 0, 4)
                reason := and(mload(0), shl(224, 0xffffffff))
            }
        }
    }
}
