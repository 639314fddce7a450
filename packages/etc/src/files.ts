// The entries of `environment.etc`: text, a copied host file, or a symlink.
import { readFileSync } from "node:fs";
import type { IssueCollector, PathSegment } from "@notos/core/graph";
import type { TreeEntry } from "@notos/core/tree";
import { parseMode } from "./mode.js";
import type { EtcEntry } from "./options.js";
import { file, symlink } from "./tree.js";

/** Reads a `source` file's content (buildEtc passes the bytes it already read and hashed). */
export type ReadSource = (path: string) => Uint8Array;

export const readHostFile: ReadSource = (path) => readFileSync(path);

/** The problem with a key of `environment.etc`, or undefined: it must stay inside /etc. */
export function etcPathProblem(key: string): string | undefined {
  if (key.startsWith("/")) return "must be relative to /etc (write \"ssh/sshd_config\", not \"/etc/ssh/sshd_config\")";
  if (key === "" || key.endsWith("/")) return "must name a file, not a directory";
  const segments = key.split("/");
  if (segments.includes("..")) return "must not contain '..': the file would escape /etc";
  if (segments.some((s) => s === "" || s === ".")) return "must not contain empty or '.' path segments";
  if (/[\0\n]/.test(key)) return "must not contain NUL or line breaks";
  return undefined;
}

export function etcFileEntry(key: string, entry: EtcEntry, read: ReadSource, issues: IssueCollector): TreeEntry | undefined {
  const at = (...p: PathSegment[]): PathSegment[] => ["environment", "etc", key, ...p];
  const pathProblem = etcPathProblem(key);
  if (pathProblem) {
    issues.add(at(), pathProblem);
    return undefined;
  }
  const mode = parseMode(entry.mode);
  if (mode === undefined) {
    issues.add(at("mode"), `"${entry.mode}" is not an octal permission such as "0644"`);
    return undefined;
  }
  const set = [entry.text, entry.source, entry.target].filter((v) => v !== undefined).length;
  if (set !== 1) {
    issues.add(at(), "exactly one of `text`, `source` or `target` must be set");
    return undefined;
  }
  const path = `/etc/${key}`;
  if (entry.target !== undefined) return symlink(path, entry.target, entry.uid, entry.gid);
  if (entry.text !== undefined) return file(path, entry.text, mode, entry.uid, entry.gid);
  try {
    return file(path, read(entry.source!), mode, entry.uid, entry.gid);
  } catch (error) {
    issues.add(at("source"), `cannot read ${entry.source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return undefined;
  }
}
