/**
 * The settings of what `hardhat deploy --optimistic` and `--hub` add to a network's deployment, with
 * their defaults and the checks that refuse a bad value before anything is sent. Each entry of
 * networks.ts may set them (`optimisticLane`, `signalHub`); whatever it leaves out takes the default.
 */

/** A network's setting that the contract would refuse (or that makes no sense), found before deploying. */
export class DeploySettingsError extends Error {
  override readonly name = "DeploySettingsError";
}

/**
 * The OptimisticLane's constructor parameters (its bond token is the trader's quote token). Amounts
 * are in the quote token's base units (USDC: 6 decimals).
 */
export interface OptimisticLaneSettings {
  /** Seconds a claim may be challenged after its trade (the lane's MIN_WINDOW, 600, at least). */
  challengeWindow: bigint;
  /** Seconds a challenged agent has to post the proof (600 at least). */
  responseWindow: bigint;
  /** What a challenger posts; paid to the agent when its proof verifies. */
  challengeBond: bigint;
  /** What a successful challenger earns from the slashed bond, beyond its own bond back. */
  slashReward: bigint;
  /** Most unsettled claims one agent may have per vault (1 to 65 535). */
  maxPendingClaims: bigint;
}

/**
 * The defaults, the values the demo and the lane's tests run with: an hour for a watcher to
 * re-check a claim, half an hour for the agent to post the proof it journaled before trading,
 * a challenge bond (100 USDC) well above the agent's cost of answering (~281k gas), a slash reward
 * (50 USDC) that pays a watcher's gas many times, and three open claims per agent.
 */
export const DEFAULT_OPTIMISTIC_LANE: Readonly<OptimisticLaneSettings> = {
  challengeWindow: 3_600n,
  responseWindow: 1_800n,
  challengeBond: 100n * 10n ** 6n,
  slashReward: 50n * 10n ** 6n,
  maxPendingClaims: 3n,
};

/** The SignalHub's constructor parameter besides its owner and registry (the core's timelock and registry). */
export interface SignalHubSettings {
  /** Oldest round age, in seconds, at which the hub verifies a signal. Default: the network's policy's maxOracleAge. */
  maxOracleAge: bigint;
}

/** OptimisticLane.MIN_WINDOW: shorter windows are refused by its constructor. */
const MIN_LANE_WINDOW = 600n;
const UINT16_MAX = 2n ** 16n - 1n;
const UINT32_MAX = 2n ** 32n - 1n;
const UINT96_MAX = 2n ** 96n - 1n;

function inRange(network: string, key: string, value: unknown, min: bigint, max: bigint, why: string): bigint {
  if (typeof value !== "bigint" || value < min || value > max) {
    const shown = typeof value === "bigint" ? `${value}n` : JSON.stringify(value ?? null);
    throw new DeploySettingsError(
      `network "${network}": ${key} is ${shown}, but it must be a bigint from ${min} to ${max} (${why}): fix it in packages/contracts/deploy/networks.ts`,
    );
  }
  return value;
}

/** The lane's settings of `network`: its entry's values over the defaults, each checked against the lane's constructor. */
export function optimisticLaneSettingsOf(
  network: string,
  configured: Partial<OptimisticLaneSettings> | undefined,
): OptimisticLaneSettings {
  const s = { ...DEFAULT_OPTIMISTIC_LANE, ...configured };
  const key = (name: string) => `optimisticLane.${name}`;
  return {
    challengeWindow: inRange(
      network,
      key("challengeWindow"),
      s.challengeWindow,
      MIN_LANE_WINDOW,
      UINT32_MAX,
      "a watcher needs time to re-check a claim",
    ),
    responseWindow: inRange(
      network,
      key("responseWindow"),
      s.responseWindow,
      MIN_LANE_WINDOW,
      UINT32_MAX,
      "an agent needs time to post its proof",
    ),
    challengeBond: inRange(
      network,
      key("challengeBond"),
      s.challengeBond,
      1n,
      UINT96_MAX,
      "a free challenge would let anyone stall every claim",
    ),
    slashReward: inRange(network, key("slashReward"), s.slashReward, 0n, UINT96_MAX, "a uint96 amount"),
    maxPendingClaims: inRange(
      network,
      key("maxPendingClaims"),
      s.maxPendingClaims,
      1n,
      UINT16_MAX,
      "an agent with no room for a claim could never trade",
    ),
  };
}

/** The hub's settings of `network`: its entry's values over the defaults (maxOracleAge: the policy's), checked. */
export function signalHubSettingsOf(
  network: string,
  configured: Partial<SignalHubSettings> | undefined,
  policyMaxOracleAge: bigint,
): SignalHubSettings {
  const maxOracleAge = configured?.maxOracleAge ?? policyMaxOracleAge;
  return {
    maxOracleAge: inRange(
      network,
      "signalHub.maxOracleAge",
      maxOracleAge,
      1n,
      UINT32_MAX,
      "a zero age refuses every round",
    ),
  };
}
