/**
 * `pnpm local-network`, as an operator runs it: the command as a child process (it starts its own
 * `hardhat node` and deploys through `hardhat deploy --network localhost`), then the `zkagent` CLI
 * as another child process with the agent.json and keystore it wrote. The records and agent files
 * go to temporary directories, so an operator's own local network in this checkout is left alone.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { isKeystoreJson } from "ethers";

import { freePort } from "../../scripts/lib/hardhat-node.ts";

const ROOT = join(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const HARDHAT = join(ROOT, "node_modules/.bin/hardhat");

function execute(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Signals a process group, if it is still there. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

describe("`pnpm local-network`: one command from nothing to a local chain the agent runs on", function () {
  this.timeout(240_000);
  const work = mkdtempSync(join(tmpdir(), "zkagent-local-network-"));
  const out = join(work, "local-agent");
  const records = join(work, "records");
  const deploymentId = `local-network-test-${process.pid}-${Date.now()}`;
  let network: ChildProcess | undefined;
  let nodePid: number | undefined;
  let output = "";
  let exited: Promise<number | null>;
  let port: number;

  before(async () => {
    port = await freePort();
    // Its own process group, so the group (tsx, the script, a running `hardhat deploy`) can be signalled.
    network = spawn(
      TSX,
      [
        "scripts/local-network.ts",
        "--port",
        String(port),
        "--out",
        out,
        "--records",
        records,
        "--deployment-id",
        deploymentId,
      ],
      { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    exited = new Promise((resolve) => network!.once("exit", (code) => resolve(code)));
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      nodePid ??= Number(/hardhat node \(chain 31337\) on \S+, pid (\d+)/.exec(output)?.[1]) || undefined;
    };
    network.stdout!.on("data", collect);
    network.stderr!.on("data", collect);
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/^local-network: ready\./m.test(output)) {
          clearInterval(timer);
          resolve();
        } else if (network!.exitCode !== null || Date.now() - started > 150_000) {
          clearInterval(timer);
          reject(new Error(`local-network did not get ready (exit ${network!.exitCode}):\n${output}`));
        }
      }, 200);
    });
  });

  after(async () => {
    // A clean stop first (the script stops its node), then no survivors whatever happened.
    signalGroup(network?.pid, "SIGTERM");
    if (network && network.exitCode === null && network.signalCode === null)
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    signalGroup(network?.pid, "SIGKILL");
    signalGroup(nodePid, "SIGKILL");
    rmSync(work, { recursive: true, force: true });
    rmSync(join(ROOT, "deployments/ignition/deployments", deploymentId), { recursive: true, force: true });
  });

  const config = () =>
    JSON.parse(readFileSync(join(out, "agent.json"), "utf8")) as {
      rpcUrl: string;
      chainId: number;
      traderAddress: string;
      quoterAddress?: string;
      key: { keystorePath: string; passwordEnv: string };
    };
  const password = () => readFileSync(join(out, "keystore-password.txt"), "utf8").trim();
  /** The printed agent command for `subcommand`, without its trailing comment. */
  const printed = (subcommand: string) => {
    const line = new RegExp(
      `^ +((?:node|\\./node_modules/\\.bin/node) packages/agent/bin/zkagent\\.js ${subcommand} [^#\\n]*?) *(?:#.*)?$`,
      "m",
    ).exec(output);
    expect(line, `a printed \`zkagent ${subcommand}\` command in:\n${output}`).to.not.equal(null);
    return line![1]!;
  };

  it("deploys through `hardhat deploy --network localhost`, whose record lists the trader", () => {
    expect(output).to.include(`$ hardhat deploy --network localhost --proposers`);
    const record = JSON.parse(readFileSync(join(records, "zkagent.json"), "utf8")) as {
      network: string;
      chainId: number;
      contracts: { DecentralizedTrader: { address: string } };
    };
    expect(record.network).to.equal("localhost");
    expect(record.chainId).to.equal(31337);
    expect(record.contracts.DecentralizedTrader.address).to.equal(config().traderAddress);
    expect(existsSync(join(records, "world.json"))).to.equal(true);
  });

  it("writes an agent.json for the node with an encrypted keystore, and prints the commands to run", () => {
    const written = config();
    expect(written.rpcUrl).to.equal(`http://127.0.0.1:${port}`);
    expect(written.chainId).to.equal(31337);
    expect(written.key).to.deep.equal({
      keystorePath: "agent-keystore.json",
      passwordEnv: "ZKAGENT_KEYSTORE_PASSWORD",
    });
    const world = JSON.parse(readFileSync(join(records, "world.json"), "utf8")) as { quoterV2?: string };
    expect(written.quoterAddress, "the world's QuoterV2: trades are quoted before proving").to.match(
      /^0x[0-9a-fA-F]{40}$/,
    );
    expect(written.quoterAddress).to.equal(world.quoterV2);
    const keystore = readFileSync(join(out, "agent-keystore.json"), "utf8");
    expect(isKeystoreJson(keystore), "an ethers JSON keystore").to.equal(true);
    expect(output).not.to.include(password()); // the password is in its file, not in the terminal's scrollback
    for (const command of ["once", "run", "status"]) expect(printed(command)).to.include(`--config ${out}/agent.json`);
    expect(printed("audit")).to.match(
      new RegExp(`audit --rpc-url http://127\\.0\\.0\\.1:${port} --trader ${written.traderAddress}$`),
    );
  });

  it("the printed `once`, run as printed in a shell at the repository root, completes a cycle; `status` shows it", async () => {
    const shell = (command: string) =>
      execute("/bin/sh", [
        "-c",
        `export ZKAGENT_KEYSTORE_PASSWORD=$(cat ${join(out, "keystore-password.txt")}) && ${command}`,
      ]);
    expect(output).to.include(`export ZKAGENT_KEYSTORE_PASSWORD=$(cat ${out}/keystore-password.txt)`);

    const once = await shell(`${printed("once")} --json`);

    expect(once.status, once.stderr + once.stdout).to.equal(0);
    // --json: one JSON object per log line, on stderr
    const lines = once.stderr
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { level: string; message: string; verdict?: string });
    expect(lines.filter((l) => l.level !== "info")).to.deep.equal([]);
    expect(lines.map((l) => l.message)).to.include(
      `quoting: each trade's swap is quoted before proving (QuoterV2 ${config().quoterAddress})`,
    );
    const done = lines.find((l) => l.message === "tick 0 done");
    expect(done, once.stderr).to.not.equal(undefined);
    // A completed cycle: a trade, a refusal, or a HOLD (a SELL of 0 % with nothing held is a HOLD).
    expect(done!.verdict).to.be.oneOf(["compliant", "refused", "hold"]);

    const status = await shell(`${printed("status")} --json`);
    expect(status.status, status.stderr).to.equal(0);
    expect(JSON.parse(status.stdout)).to.include({ cycles: 1, outages: 0 });
  });

  it("`hardhat deploy --network localhost` without a world record says how to get one", async () => {
    const owner = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    const result = await execute(HARDHAT, [
      "deploy",
      "--network",
      "localhost",
      "--proposers",
      owner,
      "--executors",
      owner,
      "--guardian",
      owner,
      "--out",
      join(work, "no-world"),
    ]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.include(
      `DeployError: no local world record at ${join(work, "no-world", "world.json")}: \`pnpm local-network\``,
    );
  });
});
