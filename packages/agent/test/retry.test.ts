import { expect } from "chai";

import { isTransient, RpcUnavailableError, withRetry } from "../src/index.ts";

const fast = { retries: 3, baseDelayMs: 1, maxDelayMs: 2 };

describe("RPC retries (capped exponential backoff)", () => {
  it("retries transient failures and returns the eventual result", async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      if (++calls < 3) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
      return "ok";
    }, fast);
    expect(result).to.equal("ok");
    expect(calls).to.equal(3);
  });

  it("gives up with RpcUnavailableError after the last retry", async () => {
    let calls = 0;
    const error = await withRetry(async () => {
      calls++;
      throw Object.assign(new Error("bad gateway"), { status: 502 });
    }, fast).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(RpcUnavailableError);
    expect(calls).to.equal(4);
  });

  it("never retries a revert", async () => {
    let calls = 0;
    const revert = Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION" });
    const error = await withRetry(async () => {
      calls++;
      throw revert;
    }, fast).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.equal(revert);
    expect(calls).to.equal(1);
  });

  it("classifies HTTP 429 and 5xx as transient, reverts as not", () => {
    expect(isTransient({ status: 429 })).to.equal(true);
    expect(isTransient({ status: 503 })).to.equal(true);
    expect(isTransient({ code: "TIMEOUT" })).to.equal(true);
    expect(isTransient({ code: "CALL_EXCEPTION" })).to.equal(false);
  });
});
