/**
 * A generated verifier compiled in memory with solc-js (the npm build hardhat.config.ts compiles
 * with), for bench items that deploy a verifier the project does not ship. `viaIR` as
 * hardhat.config.ts compiles the shipped twin: on for the Groth16 aggregation verifiers, off for
 * the plain-assembly PLONK verifier; 1M runs and cancun for both.
 */
import { createRequire } from "node:module";

/** solc-js ships no types. */
const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };

export function compileVerifier(
  source: string,
  contract: string,
  { viaIR }: { viaIR: boolean },
): { abi: unknown[]; bytecode: string } {
  const input = {
    language: "Solidity",
    sources: { "Verifier.sol": { content: source } },
    settings: {
      ...(viaIR ? { viaIR: true } : {}),
      optimizer: { enabled: true, runs: 1_000_000 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const compiled = output.contracts["Verifier.sol"]![contract]!;
  return { abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` };
}
