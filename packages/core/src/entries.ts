// Constructors for layer entries, shared by every builder that makes a layer,
// so ownership defaults and origin tags are decided in one place.
import type { TreeEntry } from "./tree.js";

const encoder = new TextEncoder();

export interface EntryConstructors {
  file(path: string, content: string | Uint8Array, mode?: number, uid?: number, gid?: number): TreeEntry;
  dir(path: string, mode?: number, uid?: number, gid?: number): TreeEntry;
  symlink(path: string, target: string, uid?: number, gid?: number): TreeEntry;
  /** The entries plus a 0755 root directory for every missing parent, sorted by path; a later entry for a path replaces an earlier one. */
  withParents(entries: readonly TreeEntry[]): TreeEntry[];
}

/** Entry constructors that tag every entry with `origin` (a layer name). */
export function layerEntries(origin: string): EntryConstructors {
  const dir = (path: string, mode = 0o755, uid = 0, gid = 0): TreeEntry => ({ path, type: "dir", mode, uid, gid, origin });
  return {
    file: (path, content, mode = 0o644, uid = 0, gid = 0) => ({
      path,
      type: "file",
      mode,
      uid,
      gid,
      content: typeof content === "string" ? encoder.encode(content) : content,
      origin,
    }),
    dir,
    symlink: (path, target, uid = 0, gid = 0) => ({ path, type: "symlink", mode: 0o777, uid, gid, target, origin }),
    withParents(entries) {
      const byPath = new Map<string, TreeEntry>();
      for (const entry of entries) byPath.set(entry.path, entry);
      for (const entry of [...byPath.values()]) {
        for (const parent of ancestors(entry.path)) if (!byPath.has(parent)) byPath.set(parent, dir(parent));
      }
      return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

/** Every ancestor of `path` below the root, outermost first: "/etc/ssh/x" → ["/etc", "/etc/ssh"]. */
export function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.slice(0, -1).map((_, i) => "/" + parts.slice(0, i + 1).join("/"));
}
