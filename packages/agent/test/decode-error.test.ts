import { expect } from "chai";
import { AbiCoder, id } from "ethers";

import { DecentralizedTrader__factory } from "@zkagent/contracts/typechain";

import { decodeRevert } from "../src/index.ts";

const trader = DecentralizedTrader__factory.createInterface();
const errorString = (message: string) =>
  `0x08c379a0${AbiCoder.defaultAbiCoder().encode(["string"], [message]).slice(2)}`;
/** A revert as ethers nests it for a JSON-RPC node. */
const reverted = (data: string) => ({ code: "CALL_EXCEPTION", info: { error: { code: 3, data } } });

describe("decoding reverts for the operator", () => {
  it("a trader custom error with its arguments", () => {
    const data = trader.encodeErrorResult("DeadlineExpired", [100n, 101n]);
    expect(decodeRevert(reverted(data), trader)).to.equal("DeadlineExpired(100, 101)");
  });

  it("the router's revert string inside SwapFailed", () => {
    const data = trader.encodeErrorResult("SwapFailed", [errorString("Too much requested")]);
    expect(decodeRevert(reverted(data), trader)).to.equal('SwapFailed("Too much requested")');
  });

  it("a custom error inside SwapFailed by name, unknown bytes as they are", () => {
    const inner = trader.encodeErrorResult("TradingPaused", []);
    expect(decodeRevert(reverted(trader.encodeErrorResult("SwapFailed", [inner])), trader)).to.equal(
      "SwapFailed(TradingPaused)",
    );
    const unknown = id("Unknown()").slice(0, 10);
    expect(decodeRevert(reverted(trader.encodeErrorResult("SwapFailed", [unknown])), trader)).to.equal(
      `SwapFailed(${unknown})`,
    );
  });
});
