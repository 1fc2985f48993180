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

  it("the swap's bound with the amounts that broke it", () => {
    const data = trader.encodeErrorResult("SwapInputAboveBound", [2_970_000_000n, 2_969_400_000n]);
    expect(decodeRevert(reverted(data), trader)).to.equal("SwapInputAboveBound(2970000000, 2969400000)");
  });

  it("a pool's own revert string (Uniswap's short reasons bubble up unwrapped)", () => {
    expect(decodeRevert(reverted(errorString("LOK")), trader)).to.equal("LOK");
  });

  it("unknown revert data falls back to ethers' short message", () => {
    const unknown = id("Unknown()").slice(0, 10);
    expect(decodeRevert({ ...reverted(unknown), shortMessage: "execution reverted" }, trader)).to.equal(
      "execution reverted",
    );
  });
});
