import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { buildPrompt, ensureTinyModel, MalformedSignalError, parseSignal, SignalModel, tradeOf } from "../src/index.ts";

const ONE_ETH = 10n ** 18n;

describe("signals from the tiny GGUF under the bounded grammar", function () {
  this.timeout(120_000);
  let model: SignalModel;
  before(async () => {
    model = await SignalModel.load({ modelPath: ensureTinyModel(mkdtempSync(join(tmpdir(), "zkagent-"))), threads: 1 });
  });
  after(async () => {
    await model.dispose();
  });

  it("parses and stays in range on 100 seeded runs over varied markets", async () => {
    const actions = new Set<string>();
    for (let run = 0; run < 100; run++) {
      const latest = 290_000_000_000n + BigInt(run) * 200_000_000n;
      const prompt = buildPrompt({
        prices: [...Array(29).fill(300_000_000_000n), latest],
        position: (BigInt(run % 5) * ONE_ETH) / 4n,
        maxPosition: 2n * ONE_ETH,
        thresholdBps: 100n,
      });
      const { text } = await model.generate(prompt, { temperature: 1, seed: run });
      const signal = parseSignal(text);
      expect(signal.sizePct).to.be.within(0, 100);
      expect(signal.confidence).to.be.within(0, 1);
      const trade = tradeOf(signal, 2n * ONE_ETH);
      expect(trade.size >= 0n && trade.size <= 2n * ONE_ETH).to.equal(true);
      actions.add(signal.action);
    }
    expect([...actions].sort()).to.deep.equal(["BUY", "HOLD", "SELL"]);
  });

  it("is deterministic at temperature 0 (the default)", async () => {
    const prompt = buildPrompt({
      prices: Array(30).fill(300_000_000_000n),
      position: 0n,
      maxPosition: ONE_ETH,
      thresholdBps: 50n,
    });
    const first = await model.generate(prompt);
    const second = await model.generate(prompt);
    expect(second.text).to.equal(first.text);
  });
});

describe("parseSignal rejects anything but a bounded signal, with a typed error", () => {
  const cases: [string, string, RegExp][] = [
    ["text that is not JSON", "BUY now!", /not JSON/],
    ["an unknown action", '{"action":"SHORT","sizePct":10,"confidence":0.5}', /action/],
    ["an exponent", '{"action":"BUY","sizePct":1e9,"confidence":0.5}', /sizePct/],
    ["a negative size", '{"action":"BUY","sizePct":-5,"confidence":0.5}', /sizePct/],
    ["a fractional size", '{"action":"BUY","sizePct":2.5,"confidence":0.5}', /sizePct/],
    ["Infinity", '{"action":"BUY","sizePct":Infinity,"confidence":0.5}', /not JSON/],
    ["a confidence above 1", '{"action":"HOLD","sizePct":0,"confidence":7}', /confidence/],
    ["an extra field", '{"action":"HOLD","sizePct":0,"confidence":0.1,"to":"0xdead"}', /Unrecognized key/],
    ["an oversized output", `{"action":"HOLD","sizePct":0,"confidence":0.1,"pad":"${"x".repeat(5000)}"}`, /characters/],
  ];
  for (const [name, raw, message] of cases) {
    it(name, () => {
      expect(() => parseSignal(raw)).to.throw(MalformedSignalError, message);
    });
  }
});
