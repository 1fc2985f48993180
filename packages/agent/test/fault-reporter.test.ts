import { expect } from "chai";

import {
  describeRpcFault,
  FaultReporter,
  memoryLogger,
  readFeedWindow,
  WindowUnavailableError,
  RpcUnavailableError,
  withRetry,
} from "../src/index.ts";

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
const rateLimited = Object.assign(new Error("server response 429 Too Many Requests"), {
  code: "SERVER_ERROR",
  info: { responseStatus: "429 Too Many Requests" },
});

describe("RPC faults are reported once per episode", () => {
  it("describes each kind of fault in words an operator can act on", () => {
    expect(describeRpcFault(refused)).to.deep.equal({
      kind: "refused",
      text: "connection refused: the node is down or restarting",
    });
    expect(describeRpcFault(rateLimited).text).to.equal("rate limited by the endpoint (HTTP 429 Too Many Requests)");
    expect(describeRpcFault({ code: "TIMEOUT" }).kind).to.equal("timeout");
    expect(describeRpcFault(new Error("socket hang up")).kind).to.equal("dropped");
    // ethers turns a JSON-RPC error on eth_call into a CALL_EXCEPTION and keeps the node's error in info
    expect(
      describeRpcFault({ code: "CALL_EXCEPTION", info: { error: { code: -32005, message: "limit" } } }).kind,
    ).to.equal("rpc rate limit");
  });

  it("retries of one fault log one warning, and the recovery one line", async () => {
    const log = memoryLogger();
    const faults = new FaultReporter(log);
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls <= 4) throw refused;
        return "ok";
      },
      { retries: 5, baseDelayMs: 1, maxDelayMs: 1, faults },
    );
    expect(result).to.equal("ok");
    expect(log.lines.map((l) => l.level)).to.deep.equal(["warn", "info"]);
    expect(log.lines[0]!.message).to.equal(
      "RPC fault: connection refused: the node is down or restarting; retrying with backoff",
    );
    expect(log.lines[1]!.message).to.match(/^RPC recovered \(refused\) after 4 failed attempt\(s\)/);
    expect(faults.reported).to.deep.equal(["refused"]);
  });

  it("a different fault in the same episode is a new report; an exhausted budget leaves the episode open", async () => {
    const log = memoryLogger();
    const faults = new FaultReporter(log);
    const sequence = [rateLimited, rateLimited, refused, refused];
    const error = await withRetry(
      async () => {
        throw sequence.shift() ?? refused;
      },
      { retries: 3, baseDelayMs: 1, maxDelayMs: 1, faults },
    ).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcUnavailableError);
    expect(faults.reported).to.deep.equal(["http 429", "refused"]);
    expect(log.lines).to.have.length(2);
    // the episode stays open: the next success closes it with one recovery line
    expect(await withRetry(async () => "ok", { retries: 0, baseDelayMs: 1, maxDelayMs: 1, faults })).to.equal("ok");
    expect(log.lines.map((l) => l.message)[2]).to.match(/^RPC recovered \(refused\) after 2 failed attempt\(s\)/);
  });
});

describe("reading the feed under RPC faults", () => {
  it("an RPC failure on a past round is an error, never a skipped round", async () => {
    const row = (id: bigint) => [id, 1000n + id, 1n, 1n, id] as const;
    const feed = {
      latestRoundData: async () => row(40n),
      getRoundData: async (id: bigint) => {
        if (id === 30n) throw refused;
        return row(id);
      },
    };
    const error = await readFeedWindow(feed, 30).catch((e: unknown) => e);
    expect(error).to.equal(refused);
  });

  it("a reverting round (no data) refuses the window; it is never skipped", async () => {
    const row = (id: bigint) => [id, 1000n + id, 1n, 1n, id] as const;
    const feed = {
      latestRoundData: async () => row(40n),
      getRoundData: async (id: bigint) => {
        if (id === 30n)
          throw Object.assign(new Error("execution reverted: No data present"), { code: "CALL_EXCEPTION" });
        return row(id);
      },
    };
    const error = await readFeedWindow(feed, 30).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(WindowUnavailableError);
    expect((error as Error).message).to.match(/round 30 has no data/);
  });
});
