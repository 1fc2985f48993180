#!/usr/bin/env node
// The zkagent CLI: the built bundle (dist/zkagent.js, made by `pnpm build`, run by Node alone)
// when it is up to date with the sources, else the TypeScript sources through tsx (a checkout
// being edited, or one not built yet).
import { URL } from "node:url";

import { freshBundle } from "./built-entry.js";

const bundle = freshBundle(new URL("../dist/zkagent.js", import.meta.url));
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli.ts");
}
