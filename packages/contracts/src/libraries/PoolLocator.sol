// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";
import {IUniswapV3Pool} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Pool.sol";

/// @title PoolLocator
/// @notice A Uniswap V3 pool's address from its factory, tokens and fee, as the factory's CREATE2
/// puts it: salt keccak256(abi.encode(token0, token1, fee)) over the pool's init code hash.
/// @dev Uniswap's own PoolAddress library does the same but does not compile under 0.8 (and fixes
/// the init code hash, which the invariant suite's stand-in pools must vary).
library PoolLocator {
    /// @notice The pool of `tokenA` and `tokenB` (either order) at `fee`.
    /// @param factory The Uniswap V3 factory (the CREATE2 deployer).
    /// @param initCodeHash keccak256 of the pool's creation code.
    /// @param tokenA One token.
    /// @param tokenB The other token.
    /// @param fee The fee tier in hundredths of a bip.
    /// @return The pool's address (it may hold no code if the factory never created it).
    function compute(
        address factory,
        bytes32 initCodeHash,
        IERC20 tokenA,
        IERC20 tokenB,
        uint24 fee
    ) internal pure returns (IUniswapV3Pool) {
        (IERC20 token0, IERC20 token1) = address(tokenA) < address(tokenB) ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt = keccak256(abi.encode(token0, token1, fee));
        return IUniswapV3Pool(Create2.computeAddress(salt, initCodeHash, factory));
    }
}
