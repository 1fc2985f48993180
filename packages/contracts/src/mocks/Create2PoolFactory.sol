// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";

/// @title Create2PoolFactory
/// @notice Test-only stand-in for Uniswap V3's factory: deploys a pool contract by CREATE2 at the
/// address Uniswap's own salt gives (keccak256(abi.encode(token0, token1, fee))) and answers
/// `getPool`, so a trader finds stand-in pools exactly as it finds real ones.
/// @dev Note: never deploy outside a test. The invariant suite (which cannot deploy Uniswap's 0.7
/// bytecode) and the reentrancy test use it; everything else runs on the real factory.
contract Create2PoolFactory {
    /// @notice The pool of two tokens (either order) at a fee.
    mapping(address => mapping(address => mapping(uint24 => address))) public getPool;

    /// @notice Deploys `initCode` as the pool of `tokenA` and `tokenB` at `fee`.
    /// @param tokenA One token.
    /// @param tokenB The other token.
    /// @param fee The fee tier.
    /// @param initCode The pool's creation code with its constructor arguments; a trader wired to
    /// this factory must be given keccak256(initCode) as its pool init code hash.
    /// @return pool The deployed pool.
    function deploy(address tokenA, address tokenB, uint24 fee, bytes memory initCode) external returns (address pool) {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        pool = Create2.deploy(0, keccak256(abi.encode(token0, token1, fee)), initCode);
        getPool[token0][token1][fee] = pool;
        getPool[token1][token0][fee] = pool;
    }
}
