import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { ConfigError, loadConfig } from "../src/index.ts";

const valid = {
  rpcUrl: "http://127.0.0.1:8545",
  chainId: 31337,
  traderAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
};

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "zkagent-config-")), "agent.json");
  writeFileSync(path, content);
  return path;
}

describe("agent config (file, then ZKAGENT_* variables, then flags; validated)", () => {
  it("fills defaults and makes paths relative to the file", async () => {
    const path = file(JSON.stringify({ ...valid, modelPath: "models/m.gguf" }));
    const config = await loadConfig(path, {}, {});
    expect(config.temperature).to.equal(0);
    expect(config.key).to.deep.equal({ privateKeyEnv: "ZKAGENT_PRIVATE_KEY" });
    expect(config.modelPath).to.equal(join(path, "..", "models/m.gguf"));
  });

  it("resolves every path written in the file against the file's folder, and flags and variables against the folder zkagent runs in", async () => {
    const path = file(
      JSON.stringify({
        ...valid,
        mode: "llm+model",
        decisionModelPath: "models/decision.json",
        notesPath: "notes.txt",
        dataDir: "data",
        key: { keystorePath: "keys/agent.json" },
        disclosure: {
          auditors: [{ id: "a", recipient: "age1t9lzhmzc59addjk4x95muwqrpc8my7tcy5nwutfwy009df948qcqq3ll36" }],
        },
      }),
    );
    const dir = join(path, "..");
    const fromFile = await loadConfig(path, {}, {});
    expect(fromFile).to.include({
      decisionModelPath: join(dir, "models/decision.json"),
      notesPath: join(dir, "notes.txt"),
      dataDir: join(dir, "data"),
    });
    expect(fromFile.key).to.deep.equal({
      keystorePath: join(dir, "keys/agent.json"),
      passwordEnv: "ZKAGENT_KEYSTORE_PASSWORD",
    });
    expect(fromFile.disclosure?.store).to.equal(join(dir, "data", "records"));
    // --model and ZKAGENT_DATA_DIR are the operator's, typed where they stand
    const overridden = await loadConfig(path, { modelPath: "my.gguf" }, { ZKAGENT_DATA_DIR: "elsewhere" });
    expect(overridden.modelPath).to.equal(join(process.cwd(), "my.gguf"));
    expect(overridden.dataDir).to.equal(join(process.cwd(), "elsewhere"));
    // without a file, everything is the operator's
    expect((await loadConfig(undefined, { ...valid, modelPath: "m.gguf" }, {})).modelPath).to.equal(
      join(process.cwd(), "m.gguf"),
    );
  });

  it("lets environment variables and flags override the file, in that order", async () => {
    const path = file(JSON.stringify(valid));
    const config = await loadConfig(
      path,
      { rpcUrl: "http://127.0.0.1:9999" },
      { ZKAGENT_CHAIN_ID: "42161", ZKAGENT_RPC_URL: "http://10.0.0.1:1" },
    );
    expect(config.chainId).to.equal(42161);
    expect(config.rpcUrl).to.equal("http://127.0.0.1:9999");
  });

  it('takes the path "verified" by default; ZKAGENT_PATH and the file can choose "optimistic"', async () => {
    expect((await loadConfig(file(JSON.stringify(valid)), {}, {})).path).to.equal("verified");
    const optimistic = file(JSON.stringify({ ...valid, path: "optimistic" }));
    expect((await loadConfig(optimistic, {}, {})).path).to.equal("optimistic");
    expect((await loadConfig(file(JSON.stringify(valid)), {}, { ZKAGENT_PATH: "optimistic" })).path).to.equal(
      "optimistic",
    );
    const hub = file(JSON.stringify({ ...valid, path: "fast" }));
    const error = await loadConfig(hub, {}, {}).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/path: Invalid enum value. Expected 'verified' \| 'optimistic'/);
  });

  it('chooses the prover "auto" by default; ZKAGENT_PROVER and the file can name one', async () => {
    expect((await loadConfig(file(JSON.stringify(valid)), {}, {})).prover).to.equal("auto");
    const path = file(JSON.stringify({ ...valid, prover: "snarkjs" }));
    expect((await loadConfig(path, {}, {})).prover).to.equal("snarkjs");
    expect((await loadConfig(path, {}, { ZKAGENT_PROVER: "native" })).prover).to.equal("native");
  });

  const bad: [string, object | string, RegExp][] = [
    ["a missing traderAddress", { rpcUrl: valid.rpcUrl, chainId: 1 }, /traderAddress: Required/],
    [
      "an address that is not one",
      { ...valid, traderAddress: "0x1234" },
      /traderAddress: must be a 0x-prefixed 20-byte address/,
    ],
    ["a chain id of -1", { ...valid, chainId: -1 }, /chainId: Number must be greater than 0/],
    [
      "an unknown field (a typo)",
      { ...valid, temprature: 1 },
      /unknown key "temprature" \(did you mean "temperature"\?\)/,
    ],
    [
      "a misspelled required field: the misspelling, not the field it left missing",
      { chainId: 1, traderAddress: valid.traderAddress, rpcURL: valid.rpcUrl },
      /unknown key "rpcURL" \(did you mean "rpcUrl"\?\)/,
    ],
    [
      "a misspelled nested field",
      { ...valid, key: { keystorPath: "k.json" } },
      /unknown key "key\.keystorPath" \(did you mean "key\.keystorePath"\?\)/,
    ],
    [
      "an unknown field like no other",
      { ...valid, zzzzzz: 1 },
      /unknown key "zzzzzz"; the keys here are rpcUrl, chainId/,
    ],
    [
      "an rpcUrl without its scheme",
      { ...valid, rpcUrl: "localhost:8545" },
      /rpcUrl: must start with http:\/\/ or https:\/\//,
    ],
    ["a hostile temperature", { ...valid, temperature: 1e9 }, /temperature: Number must be less than or equal to 2/],
    ["a file that is not JSON", "{ rpcUrl: nope", /is not valid JSON/],
    [
      "a keeper with no vaults",
      {
        ...valid,
        path: "hub",
        hub: { address: valid.traderAddress, keeper: { batcher: valid.traderAddress, vaults: [] } },
      },
      /hub\.keeper\.vaults: list at least one vault to keep/,
    ],
    [
      "a keeper whose batcher is not an address",
      {
        ...valid,
        path: "hub",
        hub: { address: valid.traderAddress, keeper: { batcher: "0x12", vaults: [valid.traderAddress] } },
      },
      /hub\.keeper\.batcher: must be a 0x-prefixed 20-byte address \(a deployed FollowBatcher\)/,
    ],
    [
      "an unknown prover",
      { ...valid, prover: "rapidsnark" },
      /prover: Invalid enum value. Expected 'auto' \| 'snarkjs' \| 'native'/,
    ],
  ];
  for (const [name, content, message] of bad) {
    it(`names the field for ${name}`, async () => {
      const path = file(typeof content === "string" ? content : JSON.stringify(content));
      const error = await loadConfig(path, {}, {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.match(message);
    });
  }
});
