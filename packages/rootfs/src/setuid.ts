// Setuid and setgid files are the root's ways up to privileges a process did
// not start with; Debian ships a dozen (su, passwd, mount, ssh-keysign, …)
// for multi-user machines that a service appliance does not need. With
// `rootfs.setuid` set, only the files it names keep their bits, each with the
// reason it needs them; every other regular file loses setuid and setgid
// (the sticky bit and directories' setgid, which only pass on a group, stay).
import type { TreeEntry } from "@notos/core/tree";
import { RootfsError } from "./errors.js";

const PRIVILEGE_BITS = 0o6000;

/** Whether an entry is a regular file that runs with its owner's or group's privileges. */
export function isSetuidFile(entry: Pick<TreeEntry, "type" | "mode">): boolean {
  return entry.type === "file" && (entry.mode & PRIVILEGE_BITS) !== 0;
}

/**
 * The root with setuid/setgid bits cleared on every regular file not in
 * `allowed` (path → reason). `undefined` keeps the packages' bits as shipped.
 * A path in `allowed` that the root does not have as a regular file is an
 * error (a typo would otherwise pass silently), unless `complete` is false:
 * a part of the root, whose other parts may have it.
 */
export function limitSetuid<E extends TreeEntry>(entries: readonly E[], allowed: Readonly<Record<string, string>> | undefined, options: { complete?: boolean } = {}): E[] {
  if (allowed === undefined) return [...entries];
  const byPath = new Map(entries.map((e) => [e.path, e]));
  // A root without its layers (root.squashfs) cannot tell a typo from a file a layer adds: root-layers checks the whole root.
  for (const path of options.complete === false ? [] : Object.keys(allowed).sort()) {
    const entry = byPath.get(path);
    if (entry?.type !== "file") {
      throw new RootfsError(`rootfs.setuid names ${path}, which is ${entry ? `a ${entry.type}` : "not in the root"}`, {
        code: "ROOTFS_SETUID",
        hint: "name regular files by their merged-/usr path (e.g. /usr/bin/su), or remove the entry",
      });
    }
  }
  return entries.map((e) => (isSetuidFile(e) && !Object.hasOwn(allowed, e.path) ? { ...e, mode: e.mode & ~PRIVILEGE_BITS } : e));
}
