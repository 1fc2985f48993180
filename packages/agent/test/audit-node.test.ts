import { expect } from "chai";
import type { JsonRpcPayload } from "ethers";

import { AuditNode, isRateLimit, type NodeRequest } from "../src/audit/audit-node.ts";

/** A node scripted per method: each call takes the next answer of its method's list (the last one repeats). */
function scripted(answers: Record<string, ({ result: unknown } | { error: { code: number; message: string } })[]>) {
  const asked: string[] = [];
  const request: NodeRequest = async (payload: JsonRpcPayload) => {
    asked.push(payload.method);
    const list = answers[payload.method]!;
    const next = list.length > 1 ? list.shift()! : list[0]!;
    return { id: payload.id, ...next } as Awaited<ReturnType<NodeRequest>>;
  };
  return { request, asked };
}

describe("the auditor's node: each request asked once, rate limits waited out, passing errors asked again", () => {
  it("asks a repeated request once, and keeps a revert as the answer", async () => {
    const node = scripted({
      eth_blockNumber: [{ result: "0x10" }],
      eth_call: [{ error: { code: 3, message: "execution reverted" } }],
    });
    const provider = new AuditNode(node.request, 1n);
    expect(await provider.getBlockNumber()).to.equal(16);
    expect(await provider.send("eth_blockNumber", [])).to.equal("0x10");
    for (let i = 0; i < 2; i++) {
      const reverted = await provider.call({ to: `0x${"11".repeat(20)}`, data: "0x" }).catch((e: Error) => e);
      expect(reverted).to.be.instanceOf(Error);
    }
    expect(node.asked).to.deep.equal(["eth_blockNumber", "eth_call"]);
    expect(provider.counts).to.deep.equal({ fromNode: 2, reused: 2 });
    provider.destroy();
  });

  it("waits out a rate limit, and asks again after an error that may pass", async () => {
    const node = scripted({
      eth_blockNumber: [
        { error: { code: 429, message: "Too Many Requests" } },
        { error: { code: -32000, message: "header not found" } },
        { result: "0x20" },
      ],
    });
    const provider = new AuditNode(node.request, 1n);
    const first = await provider.getBlockNumber().catch((e: Error) => e);
    expect((first as Error).message).to.match(/header not found/);
    expect(await provider.send("eth_blockNumber", [])).to.equal("0x20");
    expect(node.asked).to.have.length(3);
    provider.destroy();
  });

  it("tells a rate limit from a log range refusal", () => {
    expect(isRateLimit({ code: 429, message: "Too Many Requests" })).to.equal(true);
    expect(isRateLimit({ code: -32005, message: "daily request count exceeded, request rate limited" })).to.equal(true);
    expect(isRateLimit({ code: -32005, message: "query returned more than 10000 results" })).to.equal(false);
    expect(isRateLimit({ code: -32602, message: "eth_getLogs block range is too large" })).to.equal(false);
  });
});
