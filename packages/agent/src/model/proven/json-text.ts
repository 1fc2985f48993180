/**
 * JSON text for the shipped model files, laid out as the repository's Prettier formats JSON
 * (printWidth 120): objects one key a line; arrays of numbers or strings on one line when they fit,
 * else numbers filled line by line (Prettier's "concise" arrays) and strings one a line; arrays of
 * arrays or objects one element a line. So `prettier --check` passes on files the
 * training writes, and the bytes depend on nothing but the value.
 */
const PRINT_WIDTH = 120;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function render(value: Json, indent: string, prefix: string, suffix: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = value.every((v) => v === null || typeof v !== "object");
    if (flat) {
      const line = `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
      if (indent.length + prefix.length + line.length + suffix.length <= PRINT_WIDTH) return line;
    }
    if (value.every((v) => typeof v === "number")) {
      const lines: string[] = [];
      let line = "";
      value.forEach((v, i) => {
        const item = `${JSON.stringify(v)}${i < value.length - 1 ? "," : ""}`;
        if (line === "") line = item;
        else if (inner.length + line.length + 1 + item.length <= PRINT_WIDTH) line += ` ${item}`;
        else {
          lines.push(line);
          line = item;
        }
      });
      lines.push(line);
      return `[\n${lines.map((l) => `${inner}${l}`).join("\n")}\n${indent}]`;
    }
    const items = value.map((v, i) => `${inner}${render(v, inner, "", i < value.length - 1 ? "," : "")}`);
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const lines = entries.map(([key, v], i) => {
    const head = `${JSON.stringify(key)}: `;
    return `${inner}${head}${render(v, inner, head, i < entries.length - 1 ? "," : "")}`;
  });
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/** `value` as JSON text ending in a newline, in the repository's Prettier layout. */
export function jsonText(value: unknown): string {
  return `${render(JSON.parse(JSON.stringify(value)) as Json, "", "", "")}\n`;
}
