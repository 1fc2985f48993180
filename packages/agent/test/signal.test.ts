import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { Action, MODEL_SCALE } from "@zkagent/circuits";

import {
  buildPrompt,
  createTinyModel,
  ensureTinyModel,
  formatFixed,
  MalformedSignalError,
  parseSignal,
  SignalModel,
  TINY_MODEL_SEED,
  tradeOf,
  usdDecimals,
} from "../src/index.ts";
import { tradeOfOutputs } from "../src/model/proven/trade-of-outputs.ts";

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
      const position = (BigInt(run % 5) * ONE_ETH) / 4n;
      const trade = tradeOf(signal, { position, maxPosition: 2n * ONE_ETH });
      expect(
        trade.size >= 0n && trade.size <= (signal.action === "SELL" ? position : 2n * ONE_ETH - position),
      ).to.equal(true);
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

describe("an instruct GGUF (with a chat template) is prompted through its template", function () {
  this.timeout(120_000);
  // ChatML, as many instruct models ship it; node-llama-cpp recognises it.
  const CHATML =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
  const dir = mkdtempSync(join(tmpdir(), "zkagent-chat-"));
  const prompt = buildPrompt({
    prices: [...Array(29).fill(300_000_000_000n), 290_000_000_000n],
    position: 0n,
    maxPosition: ONE_ETH,
    thresholdBps: 100n,
  });

  it("a GGUF with tokenizer.chat_template: a chat session with its wrapper, still under the grammar", async () => {
    const path = join(dir, "tiny-instruct.gguf");
    writeFileSync(path, createTinyModel(TINY_MODEL_SEED, { chatTemplate: CHATML }));
    const model = await SignalModel.load({ modelPath: path, threads: 1 });
    try {
      expect(model.promptStyle).to.equal("chat");
      for (let seed = 0; seed < 10; seed++) parseSignal((await model.generate(prompt, { temperature: 1, seed })).text);
      expect(model.chatWrapperName).to.equal("ChatML");
      const first = await model.generate(prompt);
      expect((await model.generate(prompt)).text, "deterministic at temperature 0").to.equal(first.text);
    } finally {
      await model.dispose();
    }
  });

  it("the bundled tiny model (no template) keeps the plain completion, and its bytes are unchanged", async () => {
    expect(Buffer.from(createTinyModel(TINY_MODEL_SEED, {})).equals(Buffer.from(createTinyModel()))).to.equal(true);
    const model = await SignalModel.load({ modelPath: ensureTinyModel(dir), threads: 1 });
    try {
      expect(model.promptStyle).to.equal("completion");
      parseSignal((await model.generate(prompt)).text);
      expect(model.chatWrapperName).to.equal(undefined);
    } finally {
      await model.dispose();
    }
  });
});

describe("the prompt's figures keep their significant digits", () => {
  const picture = (latest: bigint, average: bigint) =>
    buildPrompt({
      prices: [...Array(29).fill(average + (average - latest) / 29n), latest],
      position: 0n,
      maxPosition: ONE_ETH,
      thresholdBps: 100n,
    });

  it("at $0.61 the price, the average and the band are told apart (2 decimals read 0.61 to 0.63)", () => {
    const prompt = picture(60_810_000n, 62_000_000n); // 0.6081 USD, 192 bps under 0.62
    expect(prompt).to.include("Latest price: 0.608100 USD.");
    expect(prompt).to.match(/moving average: 0\.6\d{5} USD/);
    expect(prompt).to.match(
      /Deviation from the average: -19\d bps\. Band: 0\.61\d{4} to 0\.62\d{4} USD\. The price is below the band/,
    );
  });

  it("at $3 000 the figures keep 2 decimals, as before", () => {
    const prompt = picture(290_000_000_000n, 300_000_000_000n);
    expect(prompt).to.include("Latest price: 2900.00 USD.");
    expect(prompt).to.match(/Band: 29\d\d\.\d\d to 30\d\d\.\d\d USD/);
  });

  it("usdDecimals and formatFixed: 6 significant digits from 2 to the feed's 8 decimals, rounded exactly", () => {
    expect(usdDecimals([300_000_000_000n])).to.equal(2);
    expect(usdDecimals([12_345_678_901n])).to.equal(3); // 123.457
    expect(usdDecimals([61_000_000n])).to.equal(6);
    expect(usdDecimals([12_345n])).to.equal(8); // 0.00012345: capped at the feed's decimals
    expect(formatFixed(60_815_000n, 8, 4)).to.equal("0.6082");
    expect(formatFixed(299_999_999_999n, 8, 2)).to.equal("3000.00");
  });
});

describe("tradeOf: a BUY is a share of the room under the cap, a SELL a share of the position", () => {
  const signal = (action: "BUY" | "SELL" | "HOLD", sizePct: number) => ({ action, sizePct, confidence: 0.5 });

  it("SELL 50 % of a 0.1 ETH position under a 2 ETH cap is 0.05 ETH (by the cap it was 1 ETH: NO_SHORT)", () => {
    expect(tradeOf(signal("SELL", 50), { position: ONE_ETH / 10n, maxPosition: 2n * ONE_ETH })).to.deep.equal({
      action: Action.SELL,
      size: ONE_ETH / 20n,
    });
  });

  it("BUY 100 % with 1.5 of 2 ETH held is the 0.5 ETH room, never past the cap", () => {
    expect(tradeOf(signal("BUY", 100), { position: (3n * ONE_ETH) / 2n, maxPosition: 2n * ONE_ETH })).to.deep.equal({
      action: Action.BUY,
      size: ONE_ETH / 2n,
    });
  });

  it("a size of 0 is a HOLD, as the proven model's: SELL with nothing held, BUY with no room, sizePct 0", () => {
    const hold = { action: Action.HOLD, size: 0n };
    expect(tradeOf(signal("SELL", 100), { position: 0n, maxPosition: ONE_ETH })).to.deep.equal(hold);
    expect(tradeOf(signal("BUY", 100), { position: ONE_ETH, maxPosition: ONE_ETH })).to.deep.equal(hold);
    expect(tradeOf(signal("BUY", 0), { position: 0n, maxPosition: ONE_ETH })).to.deep.equal(hold);
    expect(tradeOf(signal("HOLD", 0), { position: 1n, maxPosition: ONE_ETH })).to.deep.equal({
      action: Action.HOLD,
      size: 0n,
    });
  });

  it("matches the proven model's own sizing rule (tradeOfOutputs) for every percent", () => {
    const book = { position: 3n * 10n ** 17n, maxPosition: ONE_ETH };
    for (let pct = 1; pct <= 100; pct++) {
      for (const [action, zone, outputs] of [
        ["BUY", "BELOW", [1e9, pct * Number(MODEL_SCALE)]],
        ["SELL", "ABOVE", [-1e9, pct * Number(MODEL_SCALE)]],
      ] as const) {
        const proven = tradeOfOutputs([outputs[0], outputs[1]], book.position, book.maxPosition, zone);
        expect(tradeOf(signal(action, pct), book).size, `${action} ${pct} %`).to.equal(proven.size);
      }
    }
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
