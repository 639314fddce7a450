// The finished root as ONE tar stream, the input of `mksquashfs -tar`.
// Everything the image needs is in the headers — owner, mode with
// setuid/setgid/sticky, type, link target, device numbers — so mksquashfs
// needs no privileges and no host file. Times are fixed and user/group names empty: the bytes depend on
// the tree alone.
import { Readable } from "node:stream";
import { pack as tarPack, type Header } from "tar-stream";
import type { TreeEntry } from "@notos/core/tree";
import { RootfsError } from "./errors.js";

const TAR_TYPE = {
  file: "file",
  dir: "directory",
  symlink: "symlink",
  hardlink: "link",
  char: "character-device",
  block: "block-device",
  fifo: "fifo",
} as const;

// File-type bits in the header's mode keep tar-stream from replacing a mode
// of 0 (a file nobody may read) with its default 0644; the header itself
// stores only the permission bits.
const TYPE_BITS = { file: 0o100000, dir: 0o040000, symlink: 0o120000, hardlink: 0o100000, char: 0o020000, block: 0o060000, fifo: 0o010000 } as const;

export interface TarOptions {
  /** Seconds since the epoch for every entry's mtime. */
  mtime: number;
}

/** A tar stream of the entries in the given order (the root "/" is left out: mksquashfs's -root-* options set it). */
export function tarStream(entries: Iterable<TreeEntry>, options: TarOptions): Readable {
  const pack = tarPack();
  const mtime = new Date(options.mtime * 1000);
  const write = async (): Promise<void> => {
    for (const entry of entries) {
      if (pack.destroyed) return;
      if (entry.path === "/") continue;
      if ((entry.type === "symlink" || entry.type === "hardlink") && Buffer.byteLength(entry.target) > 100) {
        // Such a target needs a pax `linkpath` record, and squashfs-tools 4.5.1 strips
        // a leading "/", "./" or "../" from it: the image would silently point
        // elsewhere. Refuse instead.
        throw new RootfsError(`${entry.path}: its link target is longer than 100 bytes (${entry.target.slice(0, 40)}…), which squashfs-tools 4.5 would store altered`, {
          hint: "shorten the link target, or leave the path out with rootfs.exclude",
        });
      }
      const content = entry.type === "file" ? (entry.content ?? new Uint8Array()) : undefined;
      const header: Partial<Header> & { name: string } = {
        name: entry.path.slice(1),
        type: TAR_TYPE[entry.type],
        mode: TYPE_BITS[entry.type] | (entry.mode & 0o7777),
        uid: entry.uid,
        gid: entry.gid,
        uname: "",
        gname: "",
        mtime,
        size: content?.byteLength ?? 0,
        ...(entry.type === "symlink" || entry.type === "hardlink" ? { linkname: entry.type === "hardlink" ? (entry.target ?? "").slice(1) : (entry.target ?? "") } : {}),
        ...(entry.type === "char" || entry.type === "block" ? { devmajor: entry.major ?? 0, devminor: entry.minor ?? 0 } : {}),
      };
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error | null): void => (error ? reject(error) : resolve());
        const sink = content ? pack.entry(header, Buffer.from(content.buffer, content.byteOffset, content.byteLength), done) : pack.entry(header, done);
        // When the reader goes first (mksquashfs exits, its stdin says EPIPE),
        // the pack destroys the entry being written with that error, and an
        // 'error' nobody listens to ends the process. `done` hears it already.
        sink.on("error", () => undefined);
      });
    }
    pack.finalize();
  };
  write().catch((error: unknown) => pack.destroy(error as Error));
  return pack as unknown as Readable;
}

const BLOCK = 512;

/**
 * The length of `tarStream(entries)` for progress: a header block per entry
 * and file data padded to whole blocks, then the two closing blocks. Paths
 * too long for a plain header take an extra pax record, not counted here.
 */
export function tarSize(entries: Iterable<TreeEntry>): number {
  let size = 2 * BLOCK;
  for (const entry of entries) {
    if (entry.path === "/") continue;
    size += BLOCK + (entry.type === "file" ? Math.ceil(entry.content.byteLength / BLOCK) * BLOCK : 0);
  }
  return size;
}
