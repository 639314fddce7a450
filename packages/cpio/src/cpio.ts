// A cpio "newc" (SVR4 portable ASCII, magic 070701) writer: the format the
// kernel unpacks an initramfs from. Two steps, like u-root's writer:
// `planCpio` turns a tree into records (pure: sorting, parent directories,
// inode numbers, link counts, hardlink groups), and `cpioChunks` encodes
// records as a stream of byte chunks. Same entries → same bytes.
//
// The output matches GNU cpio's `-H newc --reproducible -R 0:0` byte for
// byte, except that GNU pads the archive to 512-byte blocks and we do not
// (the kernel does not need it).
import { NotosError } from "@notos/core";
import type { TreeEntry } from "@notos/core/tree";

/** One archive member, ready to encode. */
export interface CpioRecord {
  /** Name inside the archive: the path without its leading "/" ("." for the root). */
  name: string;
  ino: number;
  /** File type bits | permission bits. */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  rdevMajor: number;
  rdevMinor: number;
  /** File content, or a symlink's target; empty for everything else (and for all but one member of a hardlink group). */
  data: Uint8Array;
}

export interface CpioOptions {
  /**
   * Modification time of every entry (seconds), default 0. The initrd
   * builder passes its run's `sourceDateEpoch`; a script that honours
   * SOURCE_DATE_EPOCH passes `sourceDateEpoch()` from @notos/core.
   */
  mtime?: number;
}

export const S_IFMT = 0o170000;
export const TYPE_BITS: Record<TreeEntry["type"], number> = {
  file: 0o100000,
  hardlink: 0o100000,
  dir: 0o040000,
  symlink: 0o120000,
  char: 0o020000,
  block: 0o060000,
  fifo: 0o010000,
};

export const MAGIC = "070701";
export const HEADER_SIZE = 110;
export const TRAILER = "TRAILER!!!";
const MAX_FIELD = 0xffffffff;
const encoder = new TextEncoder();
const EMPTY: Uint8Array = new Uint8Array(0);

/** A tree the newc format cannot hold as given: the caller's to fix, so a NotosError. */
function treeError(message: string): NotosError {
  return new NotosError(`cpio: ${message}`, { code: "CPIO_TREE", hint: "entries need normalised absolute paths, one entry per path, directories as parents, and hard links to regular files of the tree" });
}

/** Byte order of UTF-8 paths: what `LC_ALL=C sort` does, and parents come before their children. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

function checkPath(path: string): void {
  const ok = path === "/" || (path.startsWith("/") && !path.endsWith("/") && !path.split("/").slice(1).some((p) => p === "" || p === "." || p === ".."));
  if (!ok) throw treeError(`not a normalised absolute path: ${JSON.stringify(path)}`);
}

/**
 * Records for a tree, in archive order: sorted by path (bytes), every
 * missing parent directory added (0755, root-owned), inode numbers assigned
 * in that order from 0, directory link counts 2 + subdirectories, and each
 * hardlink group sharing one inode with its content on the last member
 * (the GNU cpio convention, which the kernel and libarchive both read).
 */
export function planCpio(entries: readonly TreeEntry[], options: CpioOptions = {}): CpioRecord[] {
  const mtime = options.mtime ?? 0;
  const byPath = new Map<string, TreeEntry>();
  for (const entry of entries) {
    checkPath(entry.path);
    if (byPath.has(entry.path)) throw treeError(`duplicate entry ${entry.path}`);
    byPath.set(entry.path, entry);
  }
  for (const path of [...byPath.keys()]) {
    for (let p = parentOf(path); p !== "/" && !byPath.has(p); p = parentOf(p)) {
      byPath.set(p, { path: p, type: "dir", mode: 0o755, uid: 0, gid: 0 });
    }
  }
  for (const [path, entry] of byPath) {
    const parent = byPath.get(parentOf(path));
    if (path !== "/" && parent && parent.type !== "dir") throw treeError(`${path} is inside ${parent.path}, which is a ${parent.type}, not a directory`);
    if (entry.type === "hardlink") {
      const target = entry.target === undefined ? undefined : byPath.get(entry.target);
      if (!target || target.type !== "file") {
        throw treeError(`hardlink ${path} must point at a regular file in the archive, not ${JSON.stringify(entry.target)}`);
      }
    }
    if ((entry.type === "char" || entry.type === "block") && (entry.major === undefined || entry.minor === undefined)) {
      throw treeError(`device ${path} needs major and minor numbers`);
    }
  }
  const paths = [...byPath.keys()].sort(comparePaths);

  // Hardlink groups: the file and every hardlink to it, in archive order.
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const entry = byPath.get(path)!;
    const key = entry.type === "hardlink" ? entry.target : entry.type === "file" ? path : undefined;
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), path]);
  }
  const subdirs = new Map<string, number>();
  for (const path of paths) {
    if (path !== "/" && byPath.get(path)!.type === "dir") subdirs.set(parentOf(path), (subdirs.get(parentOf(path)) ?? 0) + 1);
  }

  const inodes = new Map<string, number>();
  let nextIno = 0;
  return paths.map((path): CpioRecord => {
    const entry = byPath.get(path)!;
    const owner = entry.type === "hardlink" ? byPath.get(entry.target)! : entry;
    const groupKey = entry.type === "hardlink" ? entry.target : path;
    const group = entry.type === "file" || entry.type === "hardlink" ? groups.get(groupKey)! : undefined;
    let ino = inodes.get(groupKey);
    if (ino === undefined) {
      ino = nextIno++;
      inodes.set(groupKey, ino);
    }
    let data: Uint8Array = EMPTY;
    if (group && group[group.length - 1] === path && owner.type === "file") data = owner.content;
    if (entry.type === "symlink") {
      if (!entry.target) throw treeError(`symlink ${path} has no target`);
      data = encoder.encode(entry.target);
    }
    const nlink = entry.type === "dir" ? 2 + (subdirs.get(path) ?? 0) : group ? group.length : 1;
    return {
      name: path === "/" ? "." : path.slice(1),
      ino,
      mode: TYPE_BITS[entry.type] | (owner.mode & 0o7777),
      uid: owner.uid,
      gid: owner.gid,
      nlink,
      mtime,
      rdevMajor: entry.type === "char" || entry.type === "block" ? entry.major : 0,
      rdevMinor: entry.type === "char" || entry.type === "block" ? entry.minor : 0,
      data,
    };
  });
}

function hex8(value: number, field: string, name: string): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_FIELD) {
    throw new NotosError(`cpio: ${field} of ${name} does not fit the newc format: ${value}`, { code: "CPIO_FIELD", hint: "newc fields are unsigned 32-bit numbers: files must be smaller than 4 GiB, owners and times below 2^32" });
  }
  return value.toString(16).toUpperCase().padStart(8, "0");
}

export function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

/** The header, name, NUL and padding of one record (everything before its data). */
export function encodeHeader(record: CpioRecord): Uint8Array {
  const name = encoder.encode(record.name);
  const namesize = name.length + 1;
  const n = record.name;
  const fields = [
    hex8(record.ino, "inode", n),
    hex8(record.mode, "mode", n),
    hex8(record.uid, "uid", n),
    hex8(record.gid, "gid", n),
    hex8(record.nlink, "nlink", n),
    hex8(record.mtime, "mtime", n),
    hex8(record.data.length, "size", n),
    hex8(0, "devmajor", n),
    hex8(0, "devminor", n),
    hex8(record.rdevMajor, "rdevmajor", n),
    hex8(record.rdevMinor, "rdevminor", n),
    hex8(namesize, "namesize", n),
    hex8(0, "check", n),
  ];
  const head = HEADER_SIZE + namesize;
  const out = new Uint8Array(head + pad4(head));
  out.set(encoder.encode(MAGIC + fields.join("")), 0);
  out.set(name, HEADER_SIZE);
  return out;
}

const TRAILER_RECORD: CpioRecord = { name: TRAILER, ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, rdevMajor: 0, rdevMinor: 0, data: EMPTY };

/** The archive as byte chunks: each record's header and data (padded to 4 bytes), then the trailer. */
export function* cpioChunks(records: Iterable<CpioRecord>): Generator<Uint8Array> {
  for (const record of records) {
    yield encodeHeader(record);
    if (record.data.length > 0) {
      yield record.data;
      const pad = pad4(record.data.length);
      if (pad) yield new Uint8Array(pad);
    }
  }
  yield encodeHeader(TRAILER_RECORD);
}

/** A tree as a newc archive, streamed: `planCpio` then `cpioChunks`. */
export function writeCpio(entries: readonly TreeEntry[], options: CpioOptions = {}): Generator<Uint8Array> {
  return cpioChunks(planCpio(entries, options));
}

/** The whole archive in one buffer (tests, small archives). */
export function cpioBytes(entries: readonly TreeEntry[], options: CpioOptions = {}): Uint8Array {
  return Buffer.concat([...writeCpio(entries, options)]);
}
