import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Transaction, Wallet, parseEther } from "ethers";
import { network } from "hardhat";

import { Journal, loadProvenModelFile } from "@zkagent/agent";
import { AggregationProver, modelCommitment } from "@zkagent/circuits";
import {
  AggregationVerifier0__factory,
  AggregationVerifier1__factory,
  FederatedRound__factory,
  ModelRegistry__factory,
  type FederatedRound,
} from "@zkagent/contracts/typechain";

import { federatedJournalPath } from "../../packages/agent/src/federated/federated-config.ts";
import { readUpdateFile } from "../../packages/agent/src/federated/update-file.ts";
import { serveChain, zkagent } from "../helpers/serve-chain.ts";

const { ethers, provider } = await network.create();
const SHIPPED = join(import.meta.dirname, "../../packages/agent/models/decision-model-v1.json");
/** Each operator's private market: a regime of the proven model's generator and a seed (four paths each, 1 064 windows). */
const MARKETS = [
  ["mean-reverting", 101],
  ["trending-up", 202],
  ["volatile", 303],
  ["gapped", 404],
] as const;
const MIN_SAMPLES = 500n;
const MAX_SAMPLES = 2_000n;

interface Actor {
  wallet: Wallet;
  config: string;
  env: Record<string, string>;
  dataDir: string;
}

const stringify = (v: unknown) => JSON.stringify(v, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x));

describe("zkagent fl: federated rounds run by operators through the CLI (child processes, against the chain over JSON-RPC)", function () {
  this.timeout(900_000);

  let dir: string;
  let rounds: FederatedRound;
  let governor: Actor;
  let operators: Actor[];
  let aggregator: Actor;
  let url: string;
  let stop: () => void;
  let registry: Awaited<ReturnType<ModelRegistry__factory["deploy"]>>;

  /** A funded key of its own, its config file and its data directory. */
  async function actor(name: string, federatedRound: string): Promise<Actor> {
    const wallet = new Wallet(Wallet.createRandom().privateKey, ethers.provider);
    const [funder] = await ethers.getSigners();
    await (await funder!.sendTransaction({ to: wallet.address, value: parseEther("10") })).wait();
    const dataDir = join(dir, name);
    const config = join(dir, `${name}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        rpcUrl: url,
        chainId: 31337,
        federatedRound,
        dataDir,
        key: { privateKeyEnv: "FL_KEY" },
        confirmTimeoutSeconds: 30,
      }),
    );
    return { wallet, config, env: { FL_KEY: wallet.privateKey }, dataDir };
  }

  async function fl(who: Actor, ...args: string[]) {
    const result = await zkagent(["fl", ...args, "--config", who.config], who.env);
    return result;
  }

  async function ok(who: Actor, ...args: string[]) {
    const result = await fl(who, ...args, "--json");
    expect(result.status, `zkagent fl ${args.join(" ")}: ${result.stderr}`).to.equal(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  const roundState = async (roundId: bigint) => stringify(await rounds.round(roundId));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "zkagent-fl-"));
    const served = await serveChain(provider);
    url = served.url;
    stop = () => served.server.close();
    const [deployer] = await ethers.getSigners();
    registry = await new ModelRegistry__factory(deployer!).deploy(deployer!.address);
    const { commitment } = await loadProvenModelFile(SHIPPED);
    await registry.registerProven(commitment, "shipped decision model", "1", "file://decision-model-v1.json");
    await registry.approve(commitment);
    const v0 = await new AggregationVerifier0__factory(deployer!).deploy();
    const v1 = await new AggregationVerifier1__factory(deployer!).deploy();
    // the owner's key must be loadable by the CLI: a fresh governor (a time lock on a live network)
    const governorWallet = new Wallet(Wallet.createRandom().privateKey);
    rounds = await new FederatedRound__factory(deployer!).deploy(
      governorWallet.address,
      await registry.getAddress(),
      await v0.getAddress(),
      await v1.getAddress(),
    );
    const address = await rounds.getAddress();
    governor = await actor("governor", address);
    governor.wallet = governorWallet.connect(ethers.provider);
    governor.env = { FL_KEY: governorWallet.privateKey };
    await (await deployer!.sendTransaction({ to: governorWallet.address, value: parseEther("10") })).wait();
    operators = [];
    for (const i of [0, 1, 2, 3]) operators.push(await actor(`operator${i}`, address));
    aggregator = await actor("aggregator", address);
  });

  after(() => stop?.());

  /** Opens a round on `base` through the CLI (the governor's key) for the four operators. */
  async function open(base: string): Promise<bigint> {
    const participants = operators.map((o) => o.wallet.address).join(",");
    const opened = await ok(
      governor,
      "open",
      "--base",
      base,
      "--participants",
      participants,
      "--clip",
      "2500",
      "--min-samples",
      String(MIN_SAMPLES),
      "--max-samples",
      String(MAX_SAMPLES),
    );
    expect(opened.sent).to.equal(true);
    return BigInt(opened.roundId as string);
  }

  /** Each operator trains on its own market from `base` and submits; the update files. */
  async function trainAndSubmit(roundId: bigint, base: string, seedOffset: number): Promise<string[]> {
    const files: string[] = [];
    for (const [i, op] of operators.entries()) {
      const [regime, seed] = MARKETS[i]!;
      const out = join(op.dataDir, `update-${roundId}.json`);
      const trained = await ok(
        op,
        "train",
        "--round",
        String(roundId),
        "--base",
        base,
        "--seed",
        String(seed + seedOffset),
        "--regime",
        regime,
        "--paths",
        "4",
        "--epochs",
        "4",
        "--out",
        out,
      );
      expect(trained.sampleCount).to.equal("1064");
      const submitted = await ok(op, "submit", "--round", String(roundId), "--update", out);
      expect(submitted.already).to.equal(false);
      files.push(out);
    }
    return files;
  }

  it("runs two rounds: four operators train and submit, the aggregator proves and finalises, the aggregate is registered with its lineage and is the next base", async () => {
    const base0 = (await loadProvenModelFile(SHIPPED)).commitment;

    // round 0 on the shipped model
    const round0 = await open(SHIPPED);
    const updates0 = await trainAndSubmit(round0, SHIPPED, 0);
    const aggregate0 = join(aggregator.dataDir, "aggregate-0.json");
    const finalized0 = await ok(
      aggregator,
      "aggregate",
      "--round",
      String(round0),
      "--base",
      SHIPPED,
      "--out",
      aggregate0,
      "--updates",
      ...updates0.reverse(),
    );
    const a0 = (await loadProvenModelFile(aggregate0)).commitment;
    expect(BigInt(finalized0.newModel as string)).to.equal(a0);
    expect((await rounds.round(round0)).newModel).to.equal(a0);
    const lineage0 = await rounds.lineageOf(a0);
    expect([lineage0.roundId, lineage0.baseModel]).to.deep.equal([round0, base0]);
    console.log(
      `      round ${round0}: aggregate ${a0.toString(16).slice(0, 12)}…, finalize ${String(finalized0.gasUsed)} gas`,
    );

    // the governor registers and approves the candidate: the next round's base
    await registry.registerProven(a0, "federated round 0", "2", `federated://${round0}`);
    await registry.approve(a0);
    const status0 = await ok(
      operators[0]!,
      "status",
      "--round",
      String(round0),
      "--account",
      operators[0]!.wallet.address,
    );
    expect(status0.open).to.equal(false);
    expect((status0.lineage as { baseModel: string }).baseModel).to.equal(base0.toString());
    expect((status0.journal as { sends: { step: string; state: string }[] }).sends).to.deep.equal([
      (status0.journal as { sends: object[] }).sends[0],
    ]);
    expect((status0.journal as { sends: { step: string; state: string }[] }).sends[0]).to.include({
      step: "submit",
      state: "executed",
    });

    // round 1 on the aggregate, its model file from the aggregator
    const round1 = await open(aggregate0);
    const updates1 = await trainAndSubmit(round1, aggregate0, 1_000);
    const aggregate1 = join(aggregator.dataDir, "aggregate-1.json");
    await ok(
      aggregator,
      "aggregate",
      "--round",
      String(round1),
      "--base",
      aggregate0,
      "--out",
      aggregate1,
      "--updates",
      ...updates1,
    );
    const a1 = (await loadProvenModelFile(aggregate1)).commitment;
    expect((await rounds.round(round1)).newModel).to.equal(a1);
    const lineage1 = await rounds.lineageOf(a1);
    expect(a1 === a0 ? lineage1.roundId : [lineage1.roundId, lineage1.baseModel]).to.deep.equal(
      a1 === a0 ? round0 : [round1, a0],
    );
    expect(modelCommitment((await loadProvenModelFile(aggregate1)).model)).to.equal(a1);
  });

  it("refuses a replayed submission, an over-cap count and an update for another round, changing nothing on chain and leaving the journal consistent", async () => {
    const roundId = await open(SHIPPED);
    const op = operators[0]!;
    const update = join(op.dataDir, `update-${roundId}.json`);
    await ok(
      op,
      "train",
      "--round",
      String(roundId),
      "--base",
      SHIPPED,
      "--seed",
      "7",
      "--paths",
      "4",
      "--out",
      update,
    );

    // too little data of its own: refused before training, nothing written
    const short = join(op.dataDir, "short.json");
    const sample = join(import.meta.dirname, "../../scripts/demo/sample-prices.csv");
    const tooShort = await fl(
      op,
      "train",
      "--round",
      String(roundId),
      "--base",
      SHIPPED,
      "--prices",
      sample,
      "--out",
      short,
    );
    expect(tooShort.status).to.equal(2);
    expect(tooShort.stderr).to.match(
      new RegExp(
        `FederatedRoundError: prices .*sample-prices\\.csv \\(100 rounds\\) gives 66 training windows; round ${roundId} takes at least 500: bring more data`,
      ),
    );
    expect(existsSync(short)).to.equal(false);

    // an over-cap count, written into the file by hand: the round refuses it in simulation, nothing is signed
    const overCap = join(op.dataDir, "over-cap.json");
    writeFileSync(
      overCap,
      readFileSync(update, "utf8").replace(/"sampleCount": "\d+"/, `"sampleCount": "${MAX_SAMPLES + 1n}"`),
    );
    let before = await roundState(roundId);
    let nonce = await ethers.provider.getTransactionCount(op.wallet.address);
    const refused = await fl(op, "submit", "--round", String(roundId), "--update", overCap);
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.match(
      /FederatedCallError: FederatedRound.submitUpdate was refused; nothing was sent: SampleCountOutOfRange\(\d+, 2001, 500, 2000\)/,
    );
    expect(await roundState(roundId)).to.equal(before);
    expect(await ethers.provider.getTransactionCount(op.wallet.address)).to.equal(nonce);

    // the honest update then goes through (the refused attempt is closed in the journal: abandoned)
    await ok(op, "submit", "--round", String(roundId), "--update", update);
    const journal = Journal.open(federatedJournalPath(op.dataDir, 31337, await rounds.getAddress(), op.wallet.address));
    try {
      expect(journal.federated.attempts("submit", roundId).map((a) => a.state)).to.deep.equal([
        "abandoned",
        "executed",
      ]);
    } finally {
      journal.close();
    }

    // replayed: the journal knows it landed (nothing sent); with the journal lost, the round refuses it
    before = await roundState(roundId);
    nonce = await ethers.provider.getTransactionCount(op.wallet.address);
    const again = await ok(op, "submit", "--round", String(roundId), "--update", update);
    expect(again.already).to.equal(true);
    // a second training's file is not the committed one: the journal says which file the aggregator needs
    const retrained = join(op.dataDir, "retrained.json");
    await ok(
      op,
      "train",
      "--round",
      String(roundId),
      "--base",
      SHIPPED,
      "--seed",
      "8",
      "--paths",
      "4",
      "--out",
      retrained,
    );
    const second = await fl(op, "submit", "--round", String(roundId), "--update", retrained);
    expect(second.status).to.equal(2);
    expect(second.stderr).to.contain(
      `FederatedRoundError: round ${roundId} has another update of yours already committed`,
    );
    expect(second.stderr).to.contain(`from ${update}): send that file to the aggregator`);
    const lostJournal = join(dir, "lost.json");
    writeFileSync(lostJournal, readFileSync(op.config, "utf8").replace(op.dataDir, join(dir, "lost")));
    const replay = await zkagent(
      ["fl", "submit", "--round", String(roundId), "--update", update, "--config", lostJournal],
      op.env,
    );
    expect(replay.status).to.equal(2);
    expect(replay.stderr, replay.stderr).to.contain(`AlreadySubmitted(${roundId}, ${op.wallet.address})`);
    expect(await roundState(roundId)).to.equal(before);
    expect(await ethers.provider.getTransactionCount(op.wallet.address)).to.equal(nonce);

    // an update trained for this round, sent to another: refused before anything is journaled or sent
    const other = await open(SHIPPED);
    const wrong = await fl(operators[1]!, "submit", "--round", String(other), "--update", update);
    expect(wrong.status).to.equal(2);
    expect(wrong.stderr).to.contain(
      `FederatedRoundError: ${update} is an update for round ${roundId}, not round ${other}`,
    );
    const missing = await fl(operators[1]!, "submit", "--round", "99", "--update", update);
    expect(missing.stderr).to.match(/round 99 does not exist on FederatedRound/);
    expect(await roundState(other)).to.equal(stringify(await rounds.round(other)));
    expect((await rounds.round(other)).sampleCounts).to.deep.equal([0n, 0n, 0n, 0n]);
  });
  it("finishes a send the journal holds after a crash: a mined submission recorded, a signed one re-sent byte for byte, the journaled proof sent without proving again", async () => {
    const roundId = await open(SHIPPED);
    const address = await rounds.getAddress();
    const files: string[] = [];
    for (const [i, op] of operators.entries()) {
      const out = join(op.dataDir, `update-${roundId}.json`);
      await ok(
        op,
        "train",
        "--round",
        String(roundId),
        "--base",
        SHIPPED,
        "--seed",
        String(50 + i),
        "--paths",
        "2",
        "--out",
        out,
      );
      files.push(out);
    }
    for (const [i, op] of operators.entries()) {
      if (i < 2) continue;
      await ok(op, "submit", "--round", String(roundId), "--update", files[i]!);
    }

    /** Journals operator `i`'s submission as prepared and signed (as the CLI would), without sending it. */
    async function signedButNotSent(i: number) {
      const op = operators[i]!;
      const update = readUpdateFile(files[i]!);
      const data = rounds.interface.encodeFunctionData("submitUpdate", [
        roundId,
        update.commitment,
        update.sampleCount,
      ]);
      const journal = Journal.open(federatedJournalPath(op.dataDir, 31337, address, op.wallet.address));
      try {
        journal.federated.prepared("submit", roundId, {
          to: address,
          data,
          detail: {
            updateCommitment: update.commitment.toString(),
            sampleCount: update.sampleCount.toString(),
            updateFile: files[i]!,
          },
        });
        const accountNonce = await ethers.provider.getTransactionCount(op.wallet.address);
        const rawTx = await op.wallet.signTransaction(
          await op.wallet.populateTransaction({ to: address, data, nonce: accountNonce, gasLimit: 300_000n }),
        );
        journal.federated.signed("submit", roundId, { txHash: Transaction.from(rawTx).hash!, rawTx, accountNonce });
        return { rawTx, txHash: Transaction.from(rawTx).hash!, accountNonce };
      } finally {
        journal.close();
      }
    }

    // operator 1 broadcast its signed submission and died before journaling the receipt: the re-run
    // finds it mined and records it, sending nothing
    const mined = await signedButNotSent(1);
    await (await ethers.provider.broadcastTransaction(mined.rawTx)).wait();
    const recorded = await fl(operators[1]!, "submit", "--round", String(roundId), "--update", files[1]!, "--json");
    expect(recorded.status, recorded.stderr).to.equal(0);
    expect((JSON.parse(recorded.stdout) as { txHash: string }).txHash).to.equal(mined.txHash);
    expect(await ethers.provider.getTransactionCount(operators[1]!.wallet.address)).to.equal(mined.accountNonce + 1);

    // operator 0 signed and journaled its submission, then died before broadcasting it
    const op = operators[0]!;
    const { txHash, accountNonce } = await signedButNotSent(0);
    const resumed = await fl(op, "submit", "--round", String(roundId), "--update", files[0]!, "--json");
    expect(resumed.status, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.contain(`recovering the journaled submission of round ${roundId} (signed)`);
    expect((JSON.parse(resumed.stdout) as { txHash: string }).txHash).to.equal(txHash);
    expect(await ethers.provider.getTransactionCount(op.wallet.address)).to.equal(accountNonce + 1);

    // the aggregator proved and journaled the finalisation, then died before signing it
    const base = await loadProvenModelFile(SHIPPED);
    const round = await rounds.round(roundId);
    const updates = round.updateCommitments.map((c) => files.map(readUpdateFile).find((u) => u.commitment === c)!);
    const prover = await AggregationProver.load();
    const proof = await prover.prove({
      base: base.model,
      updates: updates.map((u) => ({ model: u.model, salt: u.salt, sampleCount: u.sampleCount })),
      clipBoundSquared: round.clipBoundSquared,
    });
    await prover.close();
    const newModel = proof.publicValues.newCommitment;
    const finalizeData = rounds.interface.encodeFunctionData("finalize", [
      roundId,
      newModel,
      proof.chunks[0]!.solidityProof,
      proof.chunks[1]!.solidityProof,
    ]);
    const journal = Journal.open(federatedJournalPath(aggregator.dataDir, 31337, address, aggregator.wallet.address));
    journal.federated.prepared("finalize", roundId, {
      to: address,
      data: finalizeData,
      detail: { newModel: newModel.toString(), modelFile: "crashed.json", proveMs: [0, 0] },
    });
    journal.close();
    const nonceBefore = await ethers.provider.getTransactionCount(aggregator.wallet.address);
    const aggregateArgs = [
      "aggregate",
      "--round",
      String(roundId),
      "--base",
      SHIPPED,
      "--out",
      join(aggregator.dataDir, "never-written.json"),
      "--updates",
      ...files,
    ];
    const finished = await fl(aggregator, ...aggregateArgs);
    expect(finished.status, finished.stderr).to.equal(0);
    expect(finished.stderr).to.contain(
      `recovering the journaled finalisation of round ${roundId} (prepared): no new proof`,
    );
    expect((await rounds.round(roundId)).newModel).to.equal(newModel);
    expect(await ethers.provider.getTransactionCount(aggregator.wallet.address)).to.equal(nonceBefore + 1);
    expect(existsSync(join(aggregator.dataDir, "never-written.json"))).to.equal(false);
    // and running it again sends nothing
    const again = await ok(aggregator, ...aggregateArgs);
    expect(again.already).to.equal(true);
    expect(await ethers.provider.getTransactionCount(aggregator.wallet.address)).to.equal(nonceBefore + 1);
  });
});
