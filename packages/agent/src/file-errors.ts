import { resolve } from "node:path";

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory",
  ENOTDIR: "a folder on its path is a file",
  ELOOP: "too many symbolic links",
};

/**
 * Why a file could not be read, for an operator: "no such file (ENOENT)", "permission denied
 * (EACCES)", "it is a directory (EISDIR)"; the system's message for anything else.
 */
export function fileErrorReason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return code ? `${message} (${code})` : String(message ?? error);
}

/**
 * "cannot read <what> <absolute path>: <reason>", so the operator sees which file was looked for
 * (a relative path resolved against another folder than they thought is the usual surprise).
 */
export function cannotRead(what: string, path: string, error: unknown): string {
  return `cannot read ${what} ${resolve(path)}: ${fileErrorReason(error)}`;
}
