import { ENABLE_NATIVE_PROVER, loadNativeProver, nativeBuildStatus } from "@zkagent/prover-native";

/**
 * Whether this run must have the native prover: when CI installed its libraries
 * (ZKAGENT_REQUIRE_NATIVE_PROVER=1, set by .ci/run), or when the build found the compiler and
 * libraries and still failed. Then its absence fails the suite; otherwise the suite is skipped and
 * says why (counted as skipped in `pnpm test`'s tally, never silently).
 */
export function nativeProverExpected(): boolean {
  return process.env.ZKAGENT_REQUIRE_NATIVE_PROVER === "1" || nativeBuildStatus()?.depsPresent === true;
}

/** Call from a mocha `before`: fails, skips (saying why) or returns. */
export function requireNativeProver(context: Mocha.Context): void {
  const loaded = loadNativeProver();
  if (loaded.available) return;
  if (nativeProverExpected()) {
    throw new Error(`the native prover was expected on this machine but is unavailable: ${loaded.reason}`);
  }
  console.log(`      skipped: ${loaded.reason}; to run these tests: ${ENABLE_NATIVE_PROVER}`);
  context.skip();
}
