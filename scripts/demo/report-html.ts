/**
 * The demo's scenes in the report (after the session, which packages/agent/src/backtest/report-html.ts
 * renders for the demo and `zkagent backtest` alike).
 */
import type { HubSceneResult } from "./scenes/hub-scene.ts";
import type { OptimisticSceneResult } from "./scenes/optimistic-scene.ts";

/** The scenes that follow the session on the same chain (absent with --no-scenes). */
export interface DemoScenes {
  hub: HubSceneResult;
  optimistic: OptimisticSceneResult;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (n: number, digits = 2) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

const short = (hex: string) => `<code title="${esc(hex)}">${esc(hex.slice(0, 10))}…</code>`;
const gas = (n: number) => fmt(n, 0);

function hubSection(hub: HubSceneResult, verifiedMeanGas: number, mode: string): string {
  const follows = hub.follows
    .map(
      (f) =>
        `<tr><td>${short(f.vault)}</td><td>${fmt(f.capEth, 0)} ETH</td><td>${fmt(f.sizeEth, 3)} ETH</td><td>${fmt(f.paidUsdc)}</td><td>${gas(f.gas)}</td><td>${short(f.txHash)}</td></tr>`,
    )
    .join("");
  const saving = verifiedMeanGas
    ? `window record, publication and follows over ${hub.follows.length} trades; the session's verified trades (mode ${esc(mode)}): ${gas(verifiedMeanGas)} mean`
    : "the session executed no verified trade to compare with";
  return `<h2>One proof, many vaults: the signal hub</h2>
<p class="note">The agent proved one signal for the ETH/USD market with the one-market signal circuit (${fmt(hub.proofMs, 0)} ms): <b>${hub.signal.action} ${fmt(hub.signal.sizeBps / 100, 0)} % of the cap</b> at ${fmt(hub.priceUsd)} USD, round ${esc(hub.roundId)}, over the feed's window, from the attested model <code>${esc(hub.modelHash.slice(0, 18))}…</code>. The SignalHub verified it once with the generated SignalVerifier1 and cached it under key ${short(hub.key)}. Three vaults subscribed to the agent followed it with <code>followSignal</code> (sent by a keeper): no second proof, each sized against its own cap and checked against its own limits on chain. Each follow is that vault's first, so its storage slots are new.</p>
<div class="cards">
<div class="card">published once<b>${gas(hub.publishGas)}</b>gas, the one verification; the round's window recorded by a keeper: ${gas(hub.windowRecordGas)}</div>
<div class="card">followers<b>${hub.follows.length}</b>${hub.follows.map((f) => `${fmt(f.sizeEth, 2)} ETH`).join(" · ")}</div>
<div class="card">gas per trade, amortised<b>${gas(hub.amortizedGasPerTrade)}</b>${saving}</div>
<div class="card">scene<b>${fmt(hub.wallSeconds, 1)} s</b>deploy, prove, publish, follow</div>
</div>
<table class="scene"><thead><tr><th>vault</th><th>cap</th><th>executed</th><th>USDC paid</th><th>follow gas</th><th>tx</th></tr></thead><tbody>${follows}</tbody></table>`;
}

function optimisticSection(o: OptimisticSceneResult): string {
  const claims = o.claims
    .map(
      (c) =>
        `<tr class="${c.fate.includes("slashed") ? "bad" : "ok"}"><td>${c.label}</td><td>${c.action} ${fmt(c.sizeEth, 2)} ETH at ${fmt(c.priceUsd)}</td><td>${esc(c.judgement)}</td><td>${esc(c.fate)}</td><td>${Object.entries(
          c.gas,
        )
          .map(([step, g]) => `${step} ${gas(g)}`)
          .join("<br>")}</td></tr>`,
    )
    .join("");
  const bonds = o.bonds
    .map(
      (b) =>
        `<tr><td>${esc(b.step)}</td><td>${fmt(b.bond.totalUsdc)}</td><td>${fmt(b.bond.lockedUsdc)}</td><td>${b.bond.pending}</td><td>${b.bond.slashed ? "yes" : ""}</td></tr>`,
    )
    .join("");
  const challengerNet = o.challengerUsdc.after - o.challengerUsdc.before;
  return `<h2>An optimistic trade challenged and resolved</h2>
<p class="note">A vault with an OptimisticLane (challenge window ${fmt(o.laneParameters.challengeWindowSeconds / 60, 0)} min, response window ${fmt(o.laneParameters.responseWindowSeconds / 60, 0)} min, challenge bond ${fmt(o.laneParameters.challengeBondUsdc, 0)} USDC, challenger's reward ${fmt(o.laneParameters.slashRewardUsdc, 0)} USDC); the agent bonded ${fmt(o.bonds[0]!.bond.totalUsdc, 0)} USDC for it (${gas(o.depositBondGas)} gas). It traded twice with <code>executeOptimistic</code>, which swaps without verifying: an honest BUY whose proof it made and kept, and a cheating BUY while the band said HOLD (public signals written by hand: no proof can exist). Before each, a keeper recorded the round's window (<code>windowRecord</code>: once per round, whichever path trades on it). The challenger bot (<code>watchClaims</code>) re-checked both from public data and challenged the cheat only; the agent settled the honest claim early with its proof; after the response window (time travel on the in-process chain) the bot slashed the silent cheater.</p>
<table class="scene"><thead><tr><th>claim</th><th>trade</th><th>the bot's verdict</th><th>fate</th><th>gas</th></tr></thead><tbody>${claims}</tbody></table>
<h3>The agent's bond for this vault (USDC)</h3>
<table class="scene"><thead><tr><th>after</th><th>total</th><th>locked</th><th>pending claims</th><th>slashed</th></tr></thead><tbody>${bonds}</tbody></table>
<p class="note">The vault received ${fmt(o.vaultCompensationUsdc)} USDC of the slashed bond; the challenger ${challengerNet >= 0 ? "gained" : "lost"} ${fmt(Math.abs(challengerNet))} USDC net (its bond back and the reward); the agent is ${o.agentAuthorizedAfter ? "still authorised" : "no longer authorised"} on the vault. Scene: ${fmt(o.wallSeconds, 1)} s.</p>`;
}

/** Both scenes' sections, for renderReport's extraSections. */
export function scenesHtml(scenes: DemoScenes, verifiedMeanGas: number, mode: string): string {
  return `${hubSection(scenes.hub, verifiedMeanGas, mode)}\n${optimisticSection(scenes.optimistic)}`;
}
