// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestStablecoin
/// @notice A 6-decimal USD stablecoin for local worlds (the role USDC plays on Arbitrum).
/// @dev Note: anyone can mint. Never deploy outside a test or demo chain.
contract TestStablecoin is ERC20 {
    constructor() ERC20("Test USD Coin", "USDC") {}

    /// @notice Mints `amount` (6 decimals) to `to`.
    /// @param to Receiver of the new tokens.
    /// @param amount Amount in the token's smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
