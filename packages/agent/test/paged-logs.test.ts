import { expect } from "chai";

import { isRangeTooLarge, pagedQuery } from "../src/audit/paged-logs.ts";

/** A node holding one log per block in 0..99 that refuses any range wider than `maxRange` blocks. */
function node(maxRange: number, message = "query exceeds max block range 3") {
  const requests: [number, number][] = [];
  const query = async (from: number, to: number) => {
    requests.push([from, to]);
    if (to - from + 1 > maxRange) throw new Error(message);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  };
  return { query, requests };
}

describe("reading logs in pages a node will serve", () => {
  it("halves a page the node refuses, reads every log once and in order, and reports progress", async () => {
    const { query, requests } = node(3);
    const progress: number[] = [];
    const logs = await pagedQuery("TradeExecuted", query, 10, 40, {
      pageBlocks: 16,
      onProgress: (p) => progress.push(p.doneThrough),
    });
    expect(logs).to.deep.equal(Array.from({ length: 31 }, (_, i) => 10 + i));
    expect(requests.every(([from, to]) => from >= 10 && to <= 40)).to.equal(true);
    expect(progress.at(-1)).to.equal(40);
  });

  it("passes on any other error, and a refusal of a single block", async () => {
    const broken = node(0, "connection reset");
    const error = await pagedQuery("x", broken.query, 0, 5).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.equal("connection reset");
    expect(broken.requests).to.have.length(1);
    const tiny = await pagedQuery("x", node(0).query, 0, 5, { pageBlocks: 4 }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(tiny?.message).to.match(/max block range/);
  });

  it("recognises providers' wordings of a range or result limit", () => {
    for (const message of [
      "query returned more than 10000 results",
      "eth_getLogs block range is too large",
      "Log response size exceeded",
      "exceed maximum block range: 2000",
    ]) {
      expect(isRangeTooLarge(new Error(message)), message).to.equal(true);
    }
    expect(
      isRangeTooLarge({ message: "could not coalesce error", error: { code: -32005, message: "limit exceeded" } }),
    ).to.equal(true);
    expect(isRangeTooLarge(new Error("execution reverted"))).to.equal(false);
  });
});
