// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice A mintable ERC-20 with chosen decimals, the base token of a local world's extra markets
/// (the role WBTC or LINK plays on Arbitrum).
/// @dev Note: anyone can mint. Never deploy outside a test or demo chain.
contract TestToken is ERC20 {
    uint8 private immutable _decimals;

    /// @param name_ The token's name.
    /// @param symbol_ Its symbol.
    /// @param decimals_ Its decimals.
    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    /// @notice Mints `amount` to `to`.
    /// @param to Receiver of the new tokens.
    /// @param amount Amount in the token's smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}
