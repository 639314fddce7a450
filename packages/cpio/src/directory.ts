// A host directory as tree entries, so that "an initrd from a directory" is
// treeFromDirectory → writeCpio → writeCompressed. The host's owners say
// nothing about the image (files under a build directory belong to whoever
// ran the build), so every entry is root's unless the caller names an owner;
// modes, link targets, device numbers and hard links are kept.
import { promises as fs, type Stats } from "node:fs";
import { join } from "node:path";
import { NotosError } from "@notos/core";
import { comparePaths } from "./cpio.js";
import type { TimedEntry } from "./cpio-read.js";

export interface TreeFromDirectoryOptions {
  /** Owner of every entry (default 0). */
  uid?: number;
  /** Group of every entry (default 0). */
  gid?: number;
  /** Modification time of every entry in seconds (default: each file's own, whole seconds). */
  mtime?: number;
}

// Linux's dev_t: 12 bits of major and 20 of minor, split across the word.
const major = (rdev: number) => (Math.floor(rdev / 256) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
const minor = (rdev: number) => (rdev & 0xff) | (Math.floor(rdev / 4096) & ~0xff);

/**
 * Every file, directory, symlink, device node and fifo below `dir` (and
 * `dir` itself as "/"), sorted by path bytes as the cpio writer orders them.
 * Files with several links inside `dir` become one file (the first by path)
 * and hard links to it. A socket is an error: no image format holds one.
 */
export async function treeFromDirectory(dir: string, options: TreeFromDirectoryOptions = {}): Promise<TimedEntry[]> {
  let root: Stats;
  try {
    root = await fs.stat(dir);
  } catch (error) {
    throw new NotosError(`cannot read the directory ${dir}: ${(error as Error).message}`, { code: "TREE_DIRECTORY", hint: "name an existing directory", cause: error });
  }
  if (!root.isDirectory()) throw new NotosError(`${dir} is not a directory`, { code: "TREE_DIRECTORY", hint: "name the directory whose contents become the tree" });

  const owner = { uid: options.uid ?? 0, gid: options.gid ?? 0 };
  const found: { path: string; host: string; stat: Stats }[] = [{ path: "/", host: dir, stat: root }];
  const walk = async (host: string, path: string): Promise<void> => {
    for (const name of await fs.readdir(host)) {
      const child = { path: path === "/" ? `/${name}` : `${path}/${name}`, host: join(host, name), stat: await fs.lstat(join(host, name)) };
      found.push(child);
      if (child.stat.isDirectory()) await walk(child.host, child.path);
    }
  };
  await walk(dir, "/");
  found.sort((a, b) => comparePaths(a.path, b.path));

  const firstLink = new Map<string, string>();
  const entries: TimedEntry[] = [];
  for (const { path, host, stat } of found) {
    const base = { path, mode: stat.mode & 0o7777, ...owner, mtime: options.mtime ?? Math.floor(stat.mtimeMs / 1000) };
    if (stat.isFile()) {
      const inode = `${stat.dev}:${stat.ino}`;
      const first = stat.nlink > 1 ? firstLink.get(inode) : undefined;
      if (first !== undefined) {
        entries.push({ ...base, type: "hardlink", target: first });
        continue;
      }
      if (stat.nlink > 1) firstLink.set(inode, path);
      entries.push({ ...base, type: "file", content: new Uint8Array(await fs.readFile(host)) });
    } else if (stat.isDirectory()) {
      entries.push({ ...base, type: "dir" });
    } else if (stat.isSymbolicLink()) {
      entries.push({ ...base, type: "symlink", target: await fs.readlink(host) });
    } else if (stat.isCharacterDevice() || stat.isBlockDevice()) {
      entries.push({ ...base, type: stat.isCharacterDevice() ? "char" : "block", major: major(stat.rdev), minor: minor(stat.rdev) });
    } else if (stat.isFIFO()) {
      entries.push({ ...base, type: "fifo" });
    } else {
      throw new NotosError(`${host} is a socket, which no image can hold`, { code: "TREE_UNSUPPORTED", hint: "leave it out of the directory (a socket is made by the program that listens on it, at run time)" });
    }
  }
  return entries;
}
