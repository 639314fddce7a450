// Moving package paths onto a merged /usr. Debian packages in bookworm still
// ship /bin, /sbin, /lib, /lib64; the root gets /bin → usr/bin etc. as
// symlinks (see skeleton.ts), so every entry is stored at its /usr path.
import type { TreeEntry } from "@notos/core/tree";
import { posix } from "node:path";
import { parentOf, resolveTarget } from "./paths.js";

export type PathMapper = (path: string) => string;

/**
 * The entry at its merged-/usr path. Hard-link targets are absolute and
 * mapped too. A relative symlink target is rewritten only when the move
 * would change what it points to (`/bin/x → ../usr/bin/y` would otherwise
 * resolve to /usr/usr/bin/y); absolute targets keep working through the
 * root links and are kept as written.
 */
export function usrMergeEntry<T extends TreeEntry>(entry: T, mapPath: PathMapper): T {
  const path = mapPath(entry.path);
  if (entry.type === "hardlink" && entry.target !== undefined) {
    return { ...entry, path, target: mapPath(entry.target) };
  }
  if (entry.type === "symlink" && entry.target !== undefined && path !== entry.path && !entry.target.startsWith("/")) {
    const meant = mapPath(resolveTarget(entry.path, entry.target));
    if (mapPath(resolveTarget(path, entry.target)) !== meant) {
      return { ...entry, path, target: posix.relative(parentOf(path), meant) || "." };
    }
  }
  return path === entry.path ? entry : { ...entry, path };
}
