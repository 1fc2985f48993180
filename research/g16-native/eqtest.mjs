import { readFileSync } from "node:fs";
// The repository's ceremony folder, and where the addon's r = s = 0 proofs were written (argument, default ./out).
const CEREMONY = new URL("../../circuits/ceremony", import.meta.url).pathname;
const OUT = process.argv[2] ?? "out";
import prove from "./node_modules/snarkjs/src/groth16_prove_zero.js";
for (const [c, z] of [["policy", `${CEREMONY}/policy_final.zkey`], ["model", `${CEREMONY}/model/model_final.zkey`]]) {
  const { proof, publicSignals } = await prove({ type: "mem", data: new Uint8Array(readFileSync(z)) }, { type: "mem", data: new Uint8Array(readFileSync(c + ".wtns")) });
  const nat = JSON.parse(readFileSync(`${OUT}/z_${c}.json`, "utf8")), npub = JSON.parse(readFileSync(`${OUT}/zpub_${c}.json`, "utf8"));
  console.log(c, "identical proof with r=s=0:", JSON.stringify(proof) === JSON.stringify(nat), "public:", JSON.stringify(publicSignals) === JSON.stringify(npub));
}
await globalThis.curve_bn128?.terminate();
