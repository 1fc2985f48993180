import type { QuantizedModel } from "@zkagent/circuits";

import { writeFileAtomic } from "../atomic-file.ts";
import { jsonText } from "../model/proven/json-text.ts";
import { commitmentRecord, type LoadedProvenModel, type ProvenModelFile } from "../model/proven/model-file.ts";

/**
 * Writes a round's aggregate as a proven-model file (what `zkagent model commit`, the registry's
 * governor and an agent's decisionModelPath take), atomically. Its weights and commitment are the
 * aggregate's; its training recipe and report figures are the base's, which the caveat says: the
 * aggregate was not trained by that recipe, and its own figures come from evaluating it.
 */
export function writeAggregateModelFile(
  path: string,
  base: LoadedProvenModel,
  model: QuantizedModel,
  roundId: bigint,
): void {
  const file: ProvenModelFile = {
    ...base.file,
    weights: {
      w1: model.w1.map((row) => row.map(Number)),
      b1: model.b1.map(Number),
      w2: model.w2.map((row) => row.map(Number)),
      b2: model.b2.map(Number),
    },
    commitment: commitmentRecord(model),
    report: {
      ...base.file.report,
      caveat: `Federated round ${roundId} aggregate of base ${base.file.commitment.hex} (FedAvg proven on chain by FederatedRound.finalize). The training recipe and report figures here are the base's, not this model's. ${base.file.report.caveat}`,
    },
  };
  writeFileAtomic(path, jsonText(file), { what: "model file" });
}
