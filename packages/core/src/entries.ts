// Constructors for layer entries, shared by every builder that makes a layer,
// so ownership defaults and origin tags are decided in one place.
import { NotosError } from "./errors.js";
import type { DirEntry, FileEntry, SymlinkEntry, TreeEntry, TreeEntryType } from "./tree.js";

const encoder = new TextEncoder();

export interface EntryConstructors {
  file(path: string, content: string | Uint8Array, mode?: number, uid?: number, gid?: number): FileEntry;
  dir(path: string, mode?: number, uid?: number, gid?: number): DirEntry;
  symlink(path: string, target: string, uid?: number, gid?: number): SymlinkEntry;
  /** The entries plus a 0755 root directory for every missing parent, sorted by path; a later entry for a path replaces an earlier one. */
  withParents(entries: readonly TreeEntry[]): TreeEntry[];
}

/** Entry constructors that tag every entry with `origin` (a layer name). */
export function layerEntries(origin: string): EntryConstructors {
  const dir = (path: string, mode = 0o755, uid = 0, gid = 0): DirEntry => ({ path, type: "dir", mode, uid, gid, origin });
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

/** The type-specific fields a reader found; whichever the type does not use are ignored. */
export interface EntryDetail {
  content?: Uint8Array;
  target?: string;
  major?: number;
  minor?: number;
}

/**
 * One entry of `type` from what a reader parsed (a tar or cpio header, a
 * directory walk): the fields the type needs are always set — empty content,
 * an empty target or device 0:0 when the source had none — and the ones it
 * does not use are left out. Extra fields of `base` (such as an mtime) stay.
 */
export function treeEntry<B extends Omit<DirEntry, "type">>(type: TreeEntryType, base: B, detail: EntryDetail = {}): TreeEntry & B {
  switch (type) {
    case "file":
      return { ...base, type, content: detail.content ?? new Uint8Array() };
    case "symlink":
    case "hardlink":
      return { ...base, type, target: detail.target ?? "" };
    case "char":
    case "block":
      return { ...base, type, major: detail.major ?? 0, minor: detail.minor ?? 0 };
    case "dir":
    case "fifo":
      return { ...base, type };
  }
}

const decoder = new TextDecoder();

/**
 * The UTF-8 text of a file entry — the usual question a test or a layer
 * transform asks of a tree. Fails with a NotosError naming what was found
 * when there is no entry or it is not a file.
 */
export function fileText(entry: TreeEntry | undefined, path = entry?.path ?? "(missing entry)"): string {
  if (entry?.type !== "file") {
    throw new NotosError(`${path}: expected a file, found ${entry ? `a ${entry.type}` : "nothing"}`, { code: "TREE_NOT_A_FILE" });
  }
  return decoder.decode(entry.content);
}
