/**
 * Scene "One proof, many vaults": the session's agent proves one signal for the ETH/USD market
 * with the real one-market signal circuit, publishes it once to a SignalHub (verified by the
 * generated SignalVerifier1), and three vaults with different caps that subscribed to it follow
 * it, each sized against its own cap, with no second proof.
 */
import { Action, SignalProver } from "@zkagent/circuits";
import { SignalHub__factory, SignalVerifier1__factory } from "@zkagent/contracts/typechain";
import { formatEther, formatUnits, parseEther } from "ethers";

import { DEMO_POLICY, type SessionChain } from "../session.ts";
import { deploySceneVault, mined, moveMarket, publisherModel, readWindow } from "./scene-world.ts";

/** The followers' caps: the signal's fraction of each. */
export const FOLLOWER_CAPS = [parseEther("1"), parseEther("2"), parseEther("4")];
/** The signal: BUY a quarter of the cap. */
export const SIGNAL_SIZE_BPS = 2_500n;

export interface HubFollow {
  vault: string;
  capEth: number;
  sizeEth: number;
  /** USDC paid to the pool. */
  paidUsdc: number;
  gas: number;
  txHash: string;
}

export interface HubSceneResult {
  hub: string;
  publisher: string;
  modelHash: string;
  key: string;
  roundId: string;
  priceUsd: number;
  signal: { action: "BUY"; sizeBps: number };
  proofMs: number;
  /** A keeper's WindowLog.record for the round (once per round, whichever path trades on it). */
  windowRecordGas: number;
  publishGas: number;
  publishTx: string;
  follows: HubFollow[];
  /** (window record + publish + every follow) / follows. */
  amortizedGasPerTrade: number;
  wallSeconds: number;
}

export async function runHubScene(chain: SessionChain, modelPath: string): Promise<HubSceneResult> {
  const started = performance.now();
  const { world, zkagent, deployer, agent } = chain;
  const modelHash = await publisherModel(chain, modelPath);

  const hub = await (
    await new SignalHub__factory(deployer).deploy(
      deployer.address,
      await zkagent.registry.getAddress(),
      DEMO_POLICY.maxOracleAge,
    )
  ).waitForDeployment();
  const hubAddress = await hub.getAddress();
  await mined(hub.addMarket(await world.priceFeed.getAddress(), await zkagent.windowLog.getAddress()));
  const verifier = await (await new SignalVerifier1__factory(deployer).deploy()).waitForDeployment();
  await mined(hub.setVerifier(1n, await verifier.getAddress()));

  const followers = [];
  for (const cap of FOLLOWER_CAPS) {
    const vault = await deploySceneVault(chain, cap);
    await mined(vault.subscribe(hubAddress, agent.address));
    followers.push({ vault, cap });
  }

  // One round 3 % under the average: the band allows a BUY for every follower.
  const { price, recordGas } = await moveMarket(chain, 9_700n);
  const { prices, roundId } = await readWindow(chain);
  const prover = await SignalProver.load(1);
  const proof = await prover.prove({
    markets: [{ prices, roundId, action: Action.BUY, sizeBps: SIGNAL_SIZE_BPS }],
    thresholdBps: DEMO_POLICY.thresholdBps,
    modelHash,
    context: await hub.expectedContext(agent.address),
  });
  const published = await mined(hub.connect(agent).publishSignal([0n], proof.solidityProof, proof.publicSignals));
  const { pricesCommitment } = proof.publicValues.markets[0]!;
  const key = await hub.keyOf(
    agent.address,
    await world.priceFeed.getAddress(),
    roundId,
    pricesCommitment,
    modelHash,
    DEMO_POLICY.thresholdBps,
  );

  // Anyone may make a vault follow (a keeper serving many): here the deployer.
  const follows: HubFollow[] = [];
  for (const { vault, cap } of followers) {
    const receipt = await mined(vault.connect(deployer).followSignal(roundId, pricesCommitment, modelHash));
    const event = receipt.logs.map((log) => vault.interface.parseLog(log)).find((e) => e?.name === "SignalFollowed");
    if (!event) throw new Error(`no SignalFollowed in ${receipt.hash}`);
    follows.push({
      vault: await vault.getAddress(),
      capEth: Number(formatEther(cap)),
      sizeEth: Number(formatEther(event.args.size as bigint)),
      paidUsdc: Number(formatUnits(event.args.amountIn as bigint, 6)),
      gas: Number(receipt.gasUsed),
      txHash: receipt.hash,
    });
  }
  const publishGas = Number(published.gasUsed);
  return {
    hub: hubAddress,
    publisher: agent.address,
    modelHash: `0x${modelHash.toString(16)}`,
    key,
    roundId: roundId.toString(),
    priceUsd: Number(price) / 1e8,
    signal: { action: "BUY", sizeBps: Number(SIGNAL_SIZE_BPS) },
    proofMs: proof.timings.witnessMs + proof.timings.proveMs,
    windowRecordGas: recordGas,
    publishGas,
    publishTx: published.hash,
    follows,
    amortizedGasPerTrade: Math.round(
      (recordGas + publishGas + follows.reduce((sum, f) => sum + f.gas, 0)) / follows.length,
    ),
    wallSeconds: (performance.now() - started) / 1000,
  };
}
