import { readFileSync } from "node:fs";
import prove from "./node_modules/snarkjs/src/groth16_prove_zero.js";
for (const [c, z] of [["policy", "/work/main/circuits/ceremony/policy_final.zkey"], ["model", "/work/main/circuits/ceremony/model/model_final.zkey"]]) {
  const { proof, publicSignals } = await prove({ type: "mem", data: new Uint8Array(readFileSync(z)) }, { type: "mem", data: new Uint8Array(readFileSync(c + ".wtns")) });
  const nat = JSON.parse(readFileSync(`/tmp/z_${c}.json`, "utf8")), npub = JSON.parse(readFileSync(`/tmp/zpub_${c}.json`, "utf8"));
  console.log(c, "identical proof with r=s=0:", JSON.stringify(proof) === JSON.stringify(nat), "public:", JSON.stringify(publicSignals) === JSON.stringify(npub));
}
await globalThis.curve_bn128?.terminate();
