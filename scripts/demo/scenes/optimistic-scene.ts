/**
 * Scene "An optimistic trade challenged and resolved": a vault with an OptimisticLane, the session's
 * agent bonded for it, one honest optimistic BUY (its proof made and kept) and one cheating claim
 * (a BUY while the band says HOLD: public signals written by hand, no proof can exist). The
 * challenger bot (`watchClaims`) re-checks both from public data and challenges the cheat only; the
 * agent settles the honest claim with its kept proof; once the response window has passed (time
 * travel on the in-process chain) the bot slashes the silent cheater.
 */
import { claimOfReceipt, watchClaims, type WatchReport } from "@zkagent/agent";
import {
  Action,
  PolicyProver,
  packMarketAndTrade,
  packPolicyAndPosition,
  pricesCommitment,
  type PublicSignals,
} from "@zkagent/circuits";
import { OptimisticLane__factory, type DecentralizedTrader } from "@zkagent/contracts/typechain";
import { formatEther, formatUnits, parseEther, parseUnits } from "ethers";

import { DEMO_POLICY, type SessionChain } from "../session.ts";
import { deploySceneVault, mined, moveMarket, publisherModel, readWindow } from "./scene-world.ts";

/** The lane's parameters (USDC, 6 decimals), as in the contract tests. */
export const SCENE_LANE = {
  challengeWindow: 3_600n,
  responseWindow: 1_800n,
  challengeBond: parseUnits("100", 6),
  slashReward: parseUnits("50", 6),
  maxPendingClaims: 3n,
};
export const AGENT_BOND = parseUnits("500", 6);
const CLAIM_SIZE = parseEther("0.5");

export interface BondFigures {
  totalUsdc: number;
  lockedUsdc: number;
  pending: number;
  slashed: boolean;
}

export interface SceneClaim {
  label: "honest" | "cheating";
  claimId: string;
  action: "BUY";
  sizeEth: number;
  priceUsd: number;
  /** The bot's verdict from public data, with its reason when invalid. */
  judgement: string;
  /** What the bot's first pass did to it. */
  botAction: string;
  /** The lane's final state for it. */
  state: string;
  fate: string;
  gas: Record<string, number>;
}

export interface OptimisticSceneResult {
  lane: string;
  laneParameters: {
    challengeWindowSeconds: number;
    responseWindowSeconds: number;
    challengeBondUsdc: number;
    slashRewardUsdc: number;
  };
  vault: string;
  agent: string;
  challenger: string;
  claims: SceneClaim[];
  /** The agent's bond for the vault at each step. */
  bonds: { step: string; bond: BondFigures }[];
  depositBondGas: number;
  challengerUsdc: { before: number; after: number };
  vaultCompensationUsdc: number;
  agentAuthorizedAfter: boolean;
  wallSeconds: number;
}

export async function runOptimisticScene(chain: SessionChain, modelPath: string): Promise<OptimisticSceneResult> {
  const started = performance.now();
  const { ethers, networkHelpers, world, deployer, agent } = chain;
  const challenger = (await ethers.getSigners())[5]!;
  const modelHash = await publisherModel(chain, modelPath);

  const vault = await deploySceneVault(chain, DEMO_POLICY.maxPosition);
  const vaultAddress = await vault.getAddress();
  const lane = await (
    await new OptimisticLane__factory(deployer).deploy(
      await world.usdc.getAddress(),
      SCENE_LANE.challengeWindow,
      SCENE_LANE.responseWindow,
      SCENE_LANE.challengeBond,
      SCENE_LANE.slashReward,
      SCENE_LANE.maxPendingClaims,
    )
  ).waitForDeployment();
  const laneAddress = await lane.getAddress();
  await mined(vault.setOptimisticLane(laneAddress));
  await mined(vault.setAgentAuthorization(agent.address, true));
  for (const holder of [agent, challenger]) {
    await mined(world.usdc.mint(holder.address, parseUnits("1000", 6)));
    await mined(world.usdc.connect(holder).approve(laneAddress, parseUnits("1000", 6)));
  }
  const fromBlock = await ethers.provider.getBlockNumber();
  const bonds: OptimisticSceneResult["bonds"] = [];
  const recordBond = async (step: string) =>
    bonds.push({ step, bond: bondFigures(await lane.bondOf(vaultAddress, agent.address)) });
  const bondTx = await mined(lane.connect(agent).depositBond(vaultAddress, AGENT_BOND));
  await recordBond("bond posted");

  const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
  // The honest claim: 3 % under the average, a BUY the policy allows; the agent proves it and keeps the proof.
  const { price: honestPrice, recordGas: honestRecordGas } = await moveMarket(chain, 9_700n);
  const window = await readWindow(chain);
  const prover = await PolicyProver.load();
  const honestProof = await prover.prove({
    ...window,
    maxPosition: DEMO_POLICY.maxPosition,
    thresholdBps: DEMO_POLICY.thresholdBps,
    position: await vault.positionOf(agent.address),
    modelHash,
    context: await vault.expectedContext(agent.address),
    action: Action.BUY,
    size: CLAIM_SIZE,
  });
  const honestTx = await mined(vault.connect(agent).executeOptimistic(honestProof.publicSignals, deadline, 0n));
  const honest = claimOfReceipt(lane, honestTx);

  // The cheating claim: the price back on the average (HOLD), a BUY all the same. Every value the
  // vault checks is right; only the band rule is broken, which no proof can show.
  const { price: cheatPrice, recordGas: cheatRecordGas } = await moveMarket(chain, 10_000n);
  const cheatSignals = await handWrittenBuy(vault, chain, modelHash, agent.address);
  const cheatTx = await mined(vault.connect(agent).executeOptimistic(cheatSignals, deadline, 0n));
  const cheat = claimOfReceipt(lane, cheatTx);
  await recordBond("two claims open");

  const challengerBefore = await world.usdc.balanceOf(challenger.address);
  const vaultUsdcBefore = await world.usdc.balanceOf(vaultAddress);
  const watch = (): Promise<WatchReport> =>
    watchClaims({ provider: ethers.provider, lane: laneAddress, signer: challenger, fromBlock });
  const firstPass = await watch();
  const challengeGas = await gasOfAction(chain, firstPass, cheat.id, "challenged");
  if (firstPass.claims.find((c) => c.claimId === honest.id)?.action !== "none") {
    throw new Error("the challenger bot challenged the honest claim");
  }
  await recordBond("cheat challenged");

  // The agent settles its honest claim early with the proof it kept (anyone may post it).
  const settleTx = await mined(
    lane.connect(agent).prove(honest.claim, honestProof.solidityProof, honestProof.publicSignals),
  );
  await recordBond("honest claim proven");

  await networkHelpers.time.increase(SCENE_LANE.responseWindow + 1n);
  const secondPass = await watch();
  const slashGas = await gasOfAction(chain, secondPass, cheat.id, "slashed");
  await recordBond("cheater slashed");

  const botActionOf = (id: string) => firstPass.claims.find((c) => c.claimId === id)?.action ?? "not seen";
  const judgementOf = (id: string) => {
    const j = firstPass.claims.find((c) => c.claimId === id)?.judgement;
    if (!j) return "not judged";
    return "reason" in j ? `${j.verdict}: ${String(j.reason)}` : j.verdict;
  };
  const stateOf = async (id: string) =>
    ["none", "open", "challenged", "settled", "slashed"][Number((await lane.claimState(id))[0])]!;
  const [honestState, cheatState] = [await stateOf(honest.id), await stateOf(cheat.id)];
  const claims: SceneClaim[] = [
    {
      label: "honest",
      claimId: honest.id,
      action: "BUY",
      sizeEth: Number(formatEther(CLAIM_SIZE)),
      priceUsd: Number(honestPrice) / 1e8,
      judgement: judgementOf(honest.id),
      botAction: botActionOf(honest.id),
      state: honestState,
      fate: honestState === "settled" ? "not challenged; settled early by its proof" : honestState,
      gas: {
        windowRecord: honestRecordGas,
        executeOptimistic: Number(honestTx.gasUsed),
        prove: Number(settleTx.gasUsed),
      },
    },
    {
      label: "cheating",
      claimId: cheat.id,
      action: "BUY",
      sizeEth: Number(formatEther(CLAIM_SIZE)),
      priceUsd: Number(cheatPrice) / 1e8,
      judgement: judgementOf(cheat.id),
      botAction: botActionOf(cheat.id),
      state: cheatState,
      fate: cheatState === "slashed" ? "challenged by the bot, unanswered, slashed" : cheatState,
      gas: {
        windowRecord: cheatRecordGas,
        executeOptimistic: Number(cheatTx.gasUsed),
        challenge: challengeGas,
        slash: slashGas,
      },
    },
  ];
  return {
    lane: laneAddress,
    laneParameters: {
      challengeWindowSeconds: Number(SCENE_LANE.challengeWindow),
      responseWindowSeconds: Number(SCENE_LANE.responseWindow),
      challengeBondUsdc: usdc(SCENE_LANE.challengeBond),
      slashRewardUsdc: usdc(SCENE_LANE.slashReward),
    },
    vault: vaultAddress,
    agent: agent.address,
    challenger: challenger.address,
    claims,
    bonds,
    depositBondGas: Number(bondTx.gasUsed),
    challengerUsdc: { before: usdc(challengerBefore), after: usdc(await world.usdc.balanceOf(challenger.address)) },
    vaultCompensationUsdc: usdc((await world.usdc.balanceOf(vaultAddress)) - vaultUsdcBefore),
    agentAuthorizedAfter: await vault.isAuthorized(agent.address),
    wallSeconds: (performance.now() - started) / 1000,
  };
}

const usdc = (amount: bigint) => Number(formatUnits(amount, 6));

function bondFigures(account: { total: bigint; locked: bigint; pending: bigint; slashed: boolean }): BondFigures {
  return {
    totalUsdc: usdc(account.total),
    lockedUsdc: usdc(account.locked),
    pending: Number(account.pending),
    slashed: account.slashed,
  };
}

/** A BUY's public signals as a cheater writes them: right window, round, policy, position, model and binding. */
async function handWrittenBuy(
  vault: DecentralizedTrader,
  chain: SessionChain,
  modelHash: bigint,
  agent: string,
): Promise<PublicSignals> {
  const { prices, roundId } = await readWindow(chain);
  return [
    pricesCommitment(prices),
    packMarketAndTrade(roundId, prices.at(-1)!, Action.BUY, CLAIM_SIZE),
    packPolicyAndPosition(DEMO_POLICY.maxPosition, DEMO_POLICY.thresholdBps, await vault.positionOf(agent)),
    modelHash,
    await vault.expectedContext(agent),
  ];
}

/** The gas of what the bot did to claim `id` in a pass, failing the scene if it did something else. */
async function gasOfAction(chain: SessionChain, report: WatchReport, id: string, expected: string): Promise<number> {
  const watched = report.claims.find((c) => c.claimId === id);
  if (watched?.action !== expected || !watched.actionTx) {
    throw new Error(
      `the challenger bot did not ${expected.replace(/ed$/, "")} claim ${id}: ${watched?.action ?? "not seen"}`,
    );
  }
  return Number((await chain.ethers.provider.getTransactionReceipt(watched.actionTx))!.gasUsed);
}
