/** Human lines in a terminal, one JSON object per line with --json. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const plain = (value: unknown): unknown =>
  typeof value === "bigint" ? value.toString() : value instanceof Error ? `${value.name}: ${value.message}` : value;

export function createLogger(json: boolean, out: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, message: string, fields: Record<string, unknown> = {}) => {
    if (json) {
      out.write(`${JSON.stringify({ level, at: new Date().toISOString(), message, ...fields }, (_, v) => plain(v))}\n`);
    } else {
      const extra = Object.entries(fields)
        .map(
          ([k, v]) =>
            `${k}=${typeof v === "object" && v !== null ? JSON.stringify(v, (_, x) => plain(x)) : String(plain(v))}`,
        )
        .join(" ");
      out.write(`${level === "info" ? "" : `${level.toUpperCase()} `}${message}${extra ? `  ${extra}` : ""}\n`);
    }
  };
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}

/** A logger that records, for tests. */
export function memoryLogger(): Logger & {
  lines: { level: string; message: string; fields?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
}
