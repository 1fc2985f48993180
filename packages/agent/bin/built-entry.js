// Which file `zkagent` runs: the built bundle (dist/zkagent.js, `pnpm build`) while it is at least
// as new as every source it was built from, else null (the sources, through tsx). Plain JavaScript:
// it runs before anything can load TypeScript.
import { readFileSync, statSync } from "node:fs";
import { URL } from "node:url";

/**
 * @param {URL} bundle the built file (its `.inputs.json` beside it lists its sources, relative to it)
 * @returns {URL | null} the bundle if it is fresh, else null
 */
export function freshBundle(bundle) {
  let builtAt;
  let sources;
  try {
    builtAt = statSync(bundle).mtimeMs;
    sources = JSON.parse(readFileSync(new URL(`${bundle.href}.inputs.json`), "utf8"));
  } catch {
    return null; // not built (or built by hand without its list)
  }
  for (const source of sources) {
    try {
      if (statSync(new URL(source, bundle)).mtimeMs > builtAt) return null; // edited since the build
    } catch {
      return null; // a source moved or was deleted since the build
    }
  }
  return bundle;
}
