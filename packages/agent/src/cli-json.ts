/**
 * A command's --json report: one JSON document on stdout and nothing else there (log lines,
 * progress and errors go to stderr), bigints as decimal strings. `indent` 0 writes it on one line,
 * for a stream of reports (one per line).
 */
export function writeJson(value: unknown, indent = 2): void {
  process.stdout.write(
    `${JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), indent || undefined)}\n`,
  );
}
