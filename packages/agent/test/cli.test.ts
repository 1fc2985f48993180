import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import { loadSigner } from "../src/index.ts";

const CLI = join(import.meta.dirname, "../bin/zkagent.js");
const RPC = "http://127.0.0.1:9"; // never contacted: every case here fails before any request
const TRADER = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
// A command that wrongly accepted its arguments would write here, not into the checkout.
const cwd = mkdtempSync(join(tmpdir(), "zkagent-cli-"));

/** Runs the CLI as an operator does: a child process, no terminal, no colours. */
function zkagent(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return zkagentWith({}, ...args);
}

function zkagentWith(
  options: { env?: Record<string, string>; input?: string },
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
    input: options.input ?? "",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The command names a help page lists under "Commands:" (`help` itself aside). */
function commandsListedIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? "";
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((name) => name !== "help");
}

/** Output an operator can read: no JavaScript error, no stack frame. */
function expectNoCrash(output: string): void {
  expect(output).not.to.match(/TypeError|SyntaxError|RangeError/);
  expect(output).not.to.match(/^\s+at .+:\d+:\d+\)?$/m);
}

describe("zkagent CLI: help and usage errors (the CLI as a child process)", function () {
  this.timeout(300_000);

  it("prints help for the program and for every subcommand, nested ones included, and exits 0", () => {
    const seen: string[] = [];
    const visit = (path: string[]) => {
      const { status, stdout, stderr } = zkagent(...path, "--help");
      expectNoCrash(stdout + stderr);
      expect(status, `zkagent ${path.join(" ")} --help`).to.equal(0);
      expect(stderr).to.equal("");
      expect(stdout).to.match(new RegExp(`^Usage: ${["zkagent", ...path].join(" ")} `));
      seen.push(path.join(" "));
      for (const name of commandsListedIn(stdout)) visit([...path, name]);
    };
    visit([]);
    expect(seen).to.include.members([
      "",
      "once",
      "run",
      "status",
      "audit",
      "key",
      "key new",
      "key import",
      "key address",
      "model",
      "model create-tiny",
      "model hash",
    ]);
  });

  it("--version (and -V) prints the agent package's version and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8")) as {
      version: string;
    };
    for (const flag of ["--version", "-V"]) {
      const { status, stdout, stderr } = zkagent(flag);
      expect(status).to.equal(0);
      expect(stdout).to.equal(`${version}\n`);
      expect(stderr).to.equal("");
    }
  });

  it("shows the audit options with their defaults, and `help audit` prints the same page", () => {
    const viaFlag = zkagent("audit", "--help");
    expect(viaFlag.status).to.equal(0);
    expect(viaFlag.stdout).to.match(
      /--near-boundary-bps <n>\s+flag signals this close to the band edge \(default:\s+10\)/,
    );
    const viaHelp = zkagent("help", "audit");
    expectNoCrash(viaHelp.stdout + viaHelp.stderr);
    expect(viaHelp.status).to.equal(0);
    expect(viaHelp.stdout).to.equal(viaFlag.stdout);
  });

  describe("a usage error names the problem, shows the command's help and exits 1", () => {
    const cases: { args: string[]; error: RegExp }[] = [
      { args: ["audit"], error: /required option '--rpc-url <url>' not specified/ },
      { args: ["audit", "--rpc-url", RPC], error: /required option '--trader <address>' not specified/ },
      {
        args: ["audit", "--rpc-url", RPC, "--trader", TRADER, "--near-boundary-bps", "ten"],
        error: /option '--near-boundary-bps <n>' argument 'ten' is invalid/,
      },
      {
        args: ["audit", "--rpc-url", RPC, "--trader", TRADER, "--from-block", "-5"],
        error: /option '--from-block <n>' argument '-5' is invalid/,
      },
      { args: ["run", "--ticks", "many"], error: /option '--ticks <n>' argument 'many' is invalid/ },
      { args: ["model", "create-tiny", "--seed", "1.5"], error: /option '--seed <n>' argument '1.5' is invalid/ },
      { args: ["once", "--no-such-flag"], error: /unknown option '--no-such-flag'/ },
      { args: ["status", "--agent", "0x1234"], error: /option '--agent <address>' argument '0x1234' is invalid/ },
      { args: ["key", "new"], error: /required option '--out <file>' not specified/ },
    ];
    for (const { args, error } of cases) {
      it(`zkagent ${args.join(" ")}`, () => {
        const { status, stdout, stderr } = zkagent(...args);
        expectNoCrash(stdout + stderr);
        expect(status).to.equal(1);
        expect(stderr).to.match(/^error: /);
        expect(stderr).to.match(error);
        expect(stderr).to.match(new RegExp(`^Usage: zkagent ${args[0]}`, "m"));
      });
    }
  });
});

describe("zkagent CLI: a misspelled command, option or config key gets a suggestion", function () {
  this.timeout(120_000);

  const cases: { args: string[]; error: RegExp }[] = [
    { args: ["kye", "new"], error: /unknown command 'kye'\n\(Did you mean key\?\)/ },
    { args: ["key", "nwe"], error: /unknown command 'nwe'\n\(Did you mean new\?\)/ },
    { args: ["bond", "stauts"], error: /unknown command 'stauts'\n\(Did you mean status\?\)/ },
    // a required option misspelled: the misspelling, not the option it left missing
    { args: ["audit", "--rpcurl", RPC], error: /unknown option '--rpcurl'\n\(Did you mean --rpc-url\?\)/ },
    {
      args: ["watch", "--rpc-url", RPC, "--lnae", TRADER],
      error: /unknown option '--lnae'\n\(Did you mean --lane\?\)/,
    },
    {
      args: ["audit", "--rpc-url", RPC, "--trader", TRADER, "--jsn"],
      error: /unknown option '--jsn'\n\(Did you mean --json\?\)/,
    },
    { args: ["status", "--confg", "agent.json"], error: /unknown option '--confg'\n\(Did you mean --config\?\)/ },
  ];
  for (const { args, error } of cases) {
    it(`zkagent ${args.join(" ")}`, () => {
      const { status, stderr } = zkagent(...args);
      expect(status).to.equal(1);
      expect(stderr).to.match(error);
    });
  }

  it("a misspelled config key is named, with the key it probably means", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkagent-cfg-"));
    writeFileSync(join(dir, "agent.json"), JSON.stringify({ rpcURL: RPC, chainId: 31337, traderAddress: TRADER }));
    const { status, stderr } = zkagent("status", "--config", join(dir, "agent.json"), "--agent", TRADER);
    expect(status).to.equal(2);
    expect(stderr).to.equal(`ConfigError: ${join(dir, "agent.json")}: unknown key "rpcURL" (did you mean "rpcUrl"?)\n`);
  });
});

describe("zkagent CLI: files named relative to the right folder, and why one cannot be read", function () {
  this.timeout(120_000);

  it("--config is relative to the current directory, and its error gives the full path and the reason", () => {
    const missing = zkagent("status", "--config", "nowhere/agent.json");
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.equal(
      `ConfigError: cannot read config file ${join(cwd, "nowhere/agent.json")}: no such file (ENOENT)\n`,
    );
    mkdirSync(join(cwd, "a-folder"), { recursive: true });
    expect(zkagent("status", "--config", "a-folder").stderr).to.equal(
      `ConfigError: cannot read config file ${join(cwd, "a-folder")}: it is a directory (EISDIR)\n`,
    );
  });

  it("a file the operator may not read: permission denied (EACCES)", function () {
    if (process.getuid?.() === 0) this.skip(); // root reads everything
    const file = join(cwd, "unreadable.json");
    writeFileSync(file, "{}");
    chmodSync(file, 0o000);
    expect(zkagent("status", "--config", "unreadable.json").stderr).to.equal(
      `ConfigError: cannot read config file ${file}: permission denied (EACCES)\n`,
    );
  });

  it("under `pnpm zkagent` (run at the workspace root), --config is relative to the folder pnpm was started in", () => {
    const operator = mkdtempSync(join(tmpdir(), "zkagent-operator-"));
    const run = zkagentWith(
      { env: { npm_lifecycle_event: "zkagent", INIT_CWD: operator } },
      "status",
      "--config",
      "agent.json",
    );
    expect(run.stderr).to.equal(
      `ConfigError: cannot read config file ${join(operator, "agent.json")}: no such file (ENOENT)\n`,
    );
  });

  it("an rpcUrl without a scheme is a config error naming the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkagent-cfg-"));
    writeFileSync(
      join(dir, "agent.json"),
      JSON.stringify({ rpcUrl: "localhost:8545", chainId: 31337, traderAddress: TRADER }),
    );
    const run = zkagent("status", "--config", join(dir, "agent.json"), "--agent", TRADER);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/^ConfigError: .*agent\.json: rpcUrl: must start with http:\/\/ or https:\/\//);
  });
});

describe("zkagent key: the agent's key in an encrypted keystore, never on the command line", function () {
  this.timeout(120_000);
  const PASSWORD = { ZKAGENT_KEYSTORE_PASSWORD: "correct horse battery staple" };
  const HARDHAT_KEY_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

  it("imports a key from standard input into a keystore only its owner can read; `key address` reads it without the password", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "zkagent-key-")), "agent-keystore.json");
    const imported = zkagentWith({ env: PASSWORD, input: `${HARDHAT_KEY_1}\n` }, "key", "import", "--out", out);
    expect(imported.status, imported.stderr).to.equal(0);
    expect(imported.stdout).to.equal(`${out}\naddress 0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n`);
    expect(statSync(out).mode & 0o777).to.equal(0o600);
    const address = zkagentWith({ env: { ZKAGENT_KEYSTORE_PASSWORD: "" } }, "key", "address", out);
    expect(address.stdout).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n");
    // The agent's default signer decrypts it to the same account.
    process.env.ZKAGENT_TEST_KEYSTORE_PASSWORD = PASSWORD.ZKAGENT_KEYSTORE_PASSWORD;
    const provider = new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
    try {
      const signer = await loadSigner({ keystorePath: out, passwordEnv: "ZKAGENT_TEST_KEYSTORE_PASSWORD" }, provider);
      expect(signer.address).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    } finally {
      delete process.env.ZKAGENT_TEST_KEYSTORE_PASSWORD;
      provider.destroy();
    }
    // Never overwritten.
    const again = zkagentWith({ env: PASSWORD, input: HARDHAT_KEY_1 }, "key", "import", "--out", out);
    expect(again.status).to.equal(2);
    expect(again.stderr).to.match(/^ConfigError: key: .* exists; choose another file/);
  });

  it("refuses a missing or short password, and input that is not a key, writing nothing", () => {
    const out = join(mkdtempSync(join(tmpdir(), "zkagent-key-")), "agent-keystore.json");
    const short = zkagentWith({ env: { ZKAGENT_KEYSTORE_PASSWORD: "short" } }, "key", "new", "--out", out);
    expect(short.status).to.equal(2);
    expect(short.stderr).to.equal(
      "ConfigError: key: set ZKAGENT_KEYSTORE_PASSWORD to the keystore's password (at least 12 characters)\n",
    );
    const notAKey = zkagentWith({ env: PASSWORD, input: "hello\n" }, "key", "import", "--out", out);
    expect(notAKey.stderr).to.match(/^ConfigError: key import: standard input is not a private key/);
    expect(() => statSync(out)).to.throw(/ENOENT/);
  });
});
