// Small constructors for layer entries: every entry of the runit layer is made
// here, so ownership defaults and the origin tag are decided in one place.
import type { TreeEntry } from "@notos/core";

export const ORIGIN = "runit";

const encoder = new TextEncoder();

export function file(path: string, content: string | Uint8Array, mode = 0o644, uid = 0, gid = 0): TreeEntry {
  return { path, type: "file", mode, uid, gid, content: typeof content === "string" ? encoder.encode(content) : content, origin: ORIGIN };
}

export function dir(path: string, mode = 0o755, uid = 0, gid = 0): TreeEntry {
  return { path, type: "dir", mode, uid, gid, origin: ORIGIN };
}

export function symlink(path: string, target: string, uid = 0, gid = 0): TreeEntry {
  return { path, type: "symlink", mode: 0o777, uid, gid, target, origin: ORIGIN };
}

/** Every ancestor of `path` below the root, outermost first: "/etc/ssh/x" → ["/etc", "/etc/ssh"]. */
export function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.slice(0, -1).map((_, i) => "/" + parts.slice(0, i + 1).join("/"));
}

/**
 * The entries plus a 0755 root directory for every missing parent, sorted by
 * path. A later entry for the same path replaces an earlier one.
 */
export function withParents(entries: readonly TreeEntry[]): TreeEntry[] {
  const byPath = new Map<string, TreeEntry>();
  for (const entry of entries) byPath.set(entry.path, entry);
  for (const entry of [...byPath.values()]) {
    for (const parent of ancestors(entry.path)) if (!byPath.has(parent)) byPath.set(parent, dir(parent));
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
