import { isAbsolute, resolve } from "node:path";

/**
 * The folder the operator ran zkagent from. `pnpm zkagent …` runs the script at the workspace's
 * root whatever folder pnpm was started in, and pnpm (like npm) names that folder in INIT_CWD; run
 * directly (`node packages/agent/bin/zkagent.js`), it is the current directory.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event === "zkagent" && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** A path an operator typed (a flag, an environment variable), as an absolute path from where they ran zkagent. */
export function fromInvocationDir(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(path) ? path : resolve(invocationDir(env), path);
}
