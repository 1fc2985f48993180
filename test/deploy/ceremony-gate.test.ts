import { existsSync, readdirSync } from "node:fs";

import { expect } from "chai";

import { DEPLOYED_VERIFIERS } from "@zkagent/contracts/ignition";

import {
  CEREMONY_OF_VERIFIER,
  assessCeremony,
  blake2bFile,
  ceremonyManifestsOf,
} from "../../scripts/deploy/ceremony-gate.ts";

const PHASE1 = "circuits/ceremony/phase1.ptau";
const two = [{ name: "a" }, { name: "b" }];

describe("the ceremony gate of live deployments", () => {
  it("refuses the committed ceremony: a locally generated phase 1 and one phase-2 contribution", async () => {
    const { problems, phase1Public, phase2Contributions } = await assessCeremony(PHASE1, {
      contributions: [{ name: "x" }],
    });
    expect(phase1Public).to.equal(false);
    expect(phase2Contributions).to.equal(1);
    expect(problems).to.have.length(2);
    expect(problems[0]).to.match(/not a known public ceremony.*--ptau/);
    expect(problems[1]).to.match(/1 contribution \(at least 2/);
  });

  it("refuses a missing phase-1 file, whose origin cannot be checked", async () => {
    const { problems } = await assessCeremony("circuits/ceremony/absent.ptau", { contributions: two });
    expect(problems).to.deep.equal([
      "the phase-1 file circuits/ceremony/absent.ptau is missing, so its origin cannot be checked",
    ]);
  });

  it("asks a PLONK setup for a public phase 1 only: it has no phase 2", async () => {
    const plonk = { protocol: "plonk" };
    const local = await assessCeremony(PHASE1, plonk);
    expect(local.problems).to.have.length(1);
    expect(local.problems[0]).to.match(/not a known public ceremony/);
    const known = { 14: await blake2bFile(PHASE1) };
    expect(await assessCeremony(PHASE1, plonk, known)).to.deep.equal({
      phase1Public: true,
      phase2Contributions: 0,
      problems: [],
    });
  });

  it("accepts a phase 1 whose hash is a known public ceremony's, with two phase-2 contributions", async () => {
    const known = { 13: await blake2bFile(PHASE1) };
    const assessment = await assessCeremony(PHASE1, { contributions: two }, known);
    expect(assessment).to.deep.equal({ phase1Public: true, phase2Contributions: 2, problems: [] });
  });

  it("knows the ceremony of every generated verifier, gates each one the deployment deploys, and refuses one it does not know", () => {
    const generated = readdirSync("packages/contracts/src/generated")
      .filter((file) => /Verifier\w*\.sol$/.test(file))
      .map((file) => file.replace(/\.sol$/, ""));
    expect(Object.keys(CEREMONY_OF_VERIFIER).sort()).to.deep.equal(generated.sort());
    for (const manifest of ceremonyManifestsOf(Object.keys(CEREMONY_OF_VERIFIER))) {
      expect(existsSync(manifest), manifest).to.equal(true);
    }
    expect(ceremonyManifestsOf(DEPLOYED_VERIFIERS)).to.deep.equal([
      "circuits/ceremony/manifest.json",
      "circuits/ceremony/model/manifest.json",
    ]);
    expect(() => ceremonyManifestsOf(["PlonkVerifier"])).to.throw(/PlonkVerifier has no ceremony on record/);
  });
});
