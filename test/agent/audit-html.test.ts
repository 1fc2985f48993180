import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { chromium, type Browser } from "playwright-core";

import { auditJson, renderAuditHtml, requestsToEip1193, runAudit, type TimelineFinding } from "@zkagent/agent";
import { Action } from "@zkagent/circuits";
import { movePoolToPrice, pushPrice } from "@zkagent/contracts/world";

import { closeSharedProver, proveTrade } from "../helpers/prove-trade.ts";
import { PRICE_3000, TEST_POLICY, deployTraderWorld } from "../helpers/trader-fixture.ts";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const ONE_ETH = 10n ** 18n;

/** Where the report and its screenshot are left for a human to look at. */
const OUTPUT_DIR = join(tmpdir(), "zkagent-audit-report");

/** A Chromium the test can drive: $CHROMIUM_PATH, else Debian's or Chrome's usual place. */
function chromiumBinary(): string | undefined {
  return [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    .filter((p): p is string => Boolean(p))
    .find((p) => existsSync(p));
}

/**
 * Six trades over a day and a half with a policy change between them: enough for a price line,
 * a band, BUY and SELL markers, and findings (trades right after the model's approval and after
 * the policy change).
 */
async function sixTrades() {
  const tw = await deployTraderWorld(ethers, networkHelpers);
  const steps = [
    [98n, Action.BUY, ONE_ETH],
    [102n, Action.SELL, ONE_ETH / 2n],
    [97n, Action.BUY, ONE_ETH / 2n],
    [103n, Action.SELL, ONE_ETH / 4n],
    [98n, Action.BUY, ONE_ETH / 4n],
    [102n, Action.SELL, ONE_ETH / 2n],
  ] as const;
  for (const [i, [percent, action, size]] of steps.entries()) {
    if (i === 3) {
      await networkHelpers.time.increase(86_400);
      await tw.trader.setPolicy({ ...TEST_POLICY, thresholdBps: 150n });
    }
    const price = (PRICE_3000 * percent) / 100n;
    for (const step of [1n, 2n, 3n]) await pushPrice(tw.world.priceFeed, (PRICE_3000 * (300n - step)) / 300n);
    await pushPrice(tw.world.priceFeed, price);
    await movePoolToPrice(tw.world, tw.stranger, price);
    const proof = await proveTrade(tw, tw.agent, { action, size }, i >= 3 ? { thresholdBps: 150n } : {});
    await tw.trader.connect(tw.agent).executeTrade(proof.solidityProof, proof.publicSignals, 2n ** 64n, 0n);
    await networkHelpers.time.increase(3_600);
  }
  return { traderAddress: await tw.trader.getAddress() };
}

describe("zkagent audit --html (the report renders in a headless browser)", function () {
  this.timeout(300_000);
  let browser: Browser | undefined;
  after(closeSharedProver);
  after(async () => browser?.close());

  it("draws the price, band, every trade and the findings, and shows the JSON's finding count", async function () {
    const executablePath = chromiumBinary();
    if (!executablePath) {
      console.log(
        "      skipped: no Chromium binary (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome); to run it: apt-get install chromium",
      );
      this.skip();
    }
    const { traderAddress } = await networkHelpers.loadFixture(sixTrades);
    const outcome = await runAudit({
      request: requestsToEip1193(connection.provider),
      chainId: 31_337n,
      traderAddress,
    });
    const json = JSON.parse(
      JSON.stringify(auditJson(outcome), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    ) as { findings: TimelineFinding[]; trades: unknown[]; history: unknown[] };
    expect(json.trades).to.have.length(6);
    expect(json.history.length).to.be.greaterThan(0);

    mkdirSync(OUTPUT_DIR, { recursive: true });
    const htmlPath = join(OUTPUT_DIR, "audit-report.html");
    const screenshotPath = join(OUTPUT_DIR, "audit-report.png");
    const html = renderAuditHtml(outcome);
    writeFileSync(htmlPath, html);
    // Self-contained: nothing for the browser to fetch, nothing to run.
    expect(html).to.not.match(/<script|<link|src="http|href="http/);

    browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`file://${htmlPath}`);

    // The figures shown are the JSON's.
    expect(await page.locator("#finding-count").innerText()).to.equal(String(json.findings.length));
    expect(await page.locator("#trade-count").innerText()).to.equal("6");
    expect(await page.locator("#findings tbody tr").count()).to.equal(json.findings.length);
    // Two charts laid out at full width, the price chart with the line, the band and six trade markers.
    expect(await page.locator("svg.chart").count()).to.equal(2);
    const box = await page.locator("#price-chart").boundingBox();
    expect(box!.width).to.be.greaterThan(900);
    expect(box!.height).to.be.greaterThan(250);
    expect(await page.locator("#price-chart path.trade.buy").count()).to.equal(3);
    expect(await page.locator("#price-chart path.trade.sell").count()).to.equal(3);
    expect(await page.locator("#price-chart path.band").count()).to.equal(1);
    expect(await page.locator("#findings-chart g.finding").count()).to.be.greaterThan(0);

    await page.screenshot({ path: screenshotPath, fullPage: true });
    const chart = await page.locator("#price-chart").screenshot();
    console.log(`      report: ${htmlPath}\n      screenshot: ${screenshotPath}`);

    // The pixels, counted in the browser from the chart's own screenshot: not blank, and the band's
    // blue, the BUY markers' green and the SELL markers' red are all there.
    // (A script string: the test's own functions are transpiled with helpers the page does not have.)
    const pixels = (await page.evaluate(`(async (png) => {
      const image = new Image();
      image.src = "data:image/png;base64," + png;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext("2d");
      context.drawImage(image, 0, 0);
      const data = context.getImageData(0, 0, image.width, image.height).data;
      const near = (i, r, g, b) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40;
      let sum = 0, sumSquares = 0, inked = 0, band = 0, buy = 0, sell = 0;
      for (let i = 0; i < data.length; i += 4) {
        const luminance = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
        sum += luminance;
        sumSquares += luminance * luminance;
        if (luminance < 200) inked++;
        if (near(i, 0xdb, 0xe7, 0xf7)) band++;
        if (near(i, 0x1a, 0x98, 0x50)) buy++;
        if (near(i, 0xd7, 0x30, 0x27)) sell++;
      }
      const n = data.length / 4;
      return { variance: sumSquares / n - (sum / n) ** 2, inkedShare: inked / n, band, buy, sell };
    })(${JSON.stringify(chart.toString("base64"))})`)) as {
      variance: number;
      inkedShare: number;
      band: number;
      buy: number;
      sell: number;
    };
    console.log(`      chart pixels: ${JSON.stringify(pixels)}`);
    expect(pixels.variance).to.be.greaterThan(100);
    expect(pixels.inkedShare).to.be.within(0.005, 0.5);
    expect(pixels.band).to.be.greaterThan(1_000);
    expect(pixels.buy).to.be.greaterThan(50);
    expect(pixels.sell).to.be.greaterThan(50);
  });
});
