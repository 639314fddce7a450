// tar stream → `mksquashfs - OUT -tar` → root.squashfs. The packer takes
// owners, modes, setuid bits and device nodes from the tar headers, so this
// step runs unprivileged. It used to be sqfstar, the same squashfs-tools
// binary under another name; sqfstar 4.5.1 refuses every compressor option
// that takes a value ("-Xcompression-level: missing compression level"),
// while `mksquashfs -tar` reads the same tar the same way and takes them.
// Without a level the two write byte-identical images (checked against
// sqfstar in the tests); the rootfs builder passes its own default level
// (zstd 14, DEFAULT_COMPRESSION_LEVEL in build.ts). squashfs-tools ≥ 4.4 builds reproducibly by default; the
// times are pinned explicitly (-mkfs-time, -all-time, -root-time). 4.5.1
// also reads SOURCE_DATE_EPOCH but refuses it together with those options
// ("can't be used at the same time"), so the variable is taken out of its
// environment: the bytes depend on the tree, the compressor and its level,
// the block size and the epoch passed here.
import { promises as fs } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { startProgram } from "@notos/core/process";
import type { TreeEntry } from "@notos/core/tree";
import { RootfsError } from "./errors.js";
import { tarStream } from "./tar.js";

export type Compression = "xz" | "zstd" | "gzip";

/**
 * The compression levels each compressor takes (`mksquashfs -comp C -Xhelp`);
 * none for xz. `default` is the tool's own, used when writeSquashfs gets no level.
 */
export const COMPRESSION_LEVELS: Readonly<Record<Compression, { min: number; max: number; default: number } | undefined>> = {
  zstd: { min: 1, max: 22, default: 15 },
  gzip: { min: 1, max: 9, default: 9 },
  xz: undefined,
};

/** Why `level` cannot be used with `compression`, or undefined when it can. */
export function compressionLevelProblem(compression: Compression, level: number): string | undefined {
  const range = COMPRESSION_LEVELS[compression];
  if (!range) return `${compression} takes no compression level`;
  if (!Number.isInteger(level) || level < range.min || level > range.max) return `${compression} takes a whole number from ${range.min} to ${range.max} (default ${range.default}), not ${level}`;
  return undefined;
}

/** squashfs block sizes mksquashfs takes: a larger block compresses better (the xz dictionary is one block) and reads more at once. */
export type BlockSize = "128K" | "256K" | "512K" | "1M";

export interface SquashfsOptions {
  compression: Compression;
  /** zstd 1-22, gzip 1-9 (see COMPRESSION_LEVELS); unset: the tool's default, and the same bytes as sqfstar wrote. */
  compressionLevel?: number;
  /** Data block size (default mksquashfs's, 128K). */
  blockSize?: BlockSize;
  /** Seconds since the epoch for every timestamp in the image (SOURCE_DATE_EPOCH, or 0). */
  epoch: number;
  /** Compressor threads; the output does not depend on it. Default: mksquashfs's choice (all CPUs). */
  processors?: number;
  /**
   * An argv prefix that runs mksquashfs as another user, e.g.
   * ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"].
   */
  runAs?: readonly string[];
  /** Called with the number of tar bytes sent so far. */
  onBytes?: (bytes: number) => void;
}

export function mksquashfsArguments(output: string, options: SquashfsOptions): string[] {
  const time = String(options.epoch);
  return [
    // The tar comes on stdin; -noappend: never add to a stale image (mksquashfs would refuse to anyway).
    "-", output, "-tar", "-noappend",
    "-comp", options.compression,
    ...(options.compressionLevel !== undefined ? ["-Xcompression-level", String(options.compressionLevel)] : []),
    ...(options.blockSize !== undefined ? ["-b", options.blockSize] : []),
    "-reproducible",
    "-mkfs-time", time,
    "-all-time", time,
    "-root-time", time,
    "-root-uid", "0",
    "-root-gid", "0",
    "-root-mode", "755",
    "-no-xattrs",
    "-exit-on-error",
    "-quiet",
    "-no-progress",
    ...(options.processors !== undefined ? ["-processors", String(options.processors)] : []),
  ];
}

/**
 * How mksquashfs is started. squashfs-tools 4.5.1 ignores -root-uid/-root-gid
 * when it reads a tar (as sqfstar did) and gives the root directory the uid
 * and gid of whoever runs it (every other inode comes from the tar headers).
 * A non-root build therefore runs it in a user
 * namespace where it is uid 0 (`unshare --map-root-user`, util-linux): it
 * gains no privilege there — it only reads stdin and writes the image — and
 * the image is byte-identical to one built by root.
 */
export function mksquashfsCommand(runAs: readonly string[] | undefined, uid: number | undefined = process.getuid?.()): string[] {
  const asRoot = runAs === undefined && uid === 0;
  return [...(runAs ?? []), ...(asRoot ? [] : ["unshare", "--user", "--map-root-user"]), "mksquashfs"];
}

/** Write the entries (sorted, parents first) as a squashfs image at `output`; nothing is left behind on failure. */
export async function writeSquashfs(entries: Iterable<TreeEntry>, output: string, options: SquashfsOptions): Promise<{ size: number }> {
  if (!Number.isInteger(options.epoch) || options.epoch < 0 || options.epoch > 0xffffffff) {
    throw new RootfsError(`the image time ${options.epoch} is not an unsigned 32-bit number of seconds`, { hint: "set SOURCE_DATE_EPOCH to a whole number of seconds since 1970" });
  }
  if (options.compressionLevel !== undefined) {
    const problem = compressionLevelProblem(options.compression, options.compressionLevel);
    if (problem) throw new RootfsError(`compression level ${options.compressionLevel}: ${problem}`, { hint: "leave the level unset for the tool's default, or pick one in range" });
  }
  // Start from no file: a failed run must not leave an older image looking current.
  await fs.rm(output, { force: true });
  const argv = [...mksquashfsCommand(options.runAs), ...mksquashfsArguments(output, options)];
  const child = startProgram(argv[0]!, argv.slice(1), { stdin: "pipe", reject: false, env: { SOURCE_DATE_EPOCH: undefined } });
  let sent = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.byteLength;
      options.onBytes?.(sent);
      callback(null, chunk);
    },
  });
  try {
    const [feed, result] = await Promise.allSettled([pipeline(tarStream(entries, { mtime: options.epoch }), count, child.stdin!), child.result]);
    // Our own refusal (a tree mksquashfs cannot store) is the cause; mksquashfs then only sees a cut stream.
    if (feed.status === "rejected" && feed.reason instanceof RootfsError) throw feed.reason;
    const done = result.status === "fulfilled" ? result.value : undefined;
    if (!done || done.exitCode !== 0 || done.startError) {
      const stderr = done ? done.stderr.toString("utf8").trim() : "";
      throw new RootfsError(`mksquashfs failed${done?.exitCode !== undefined ? ` (exit ${done.exitCode})` : ""}${stderr ? `: ${stderr}` : ""}`, {
        code: "ROOTFS_SQFSTAR",
        hint: done?.startError?.code === "ENOENT"
          ? "install squashfs-tools ≥ 4.5 (it provides mksquashfs with -tar)"
          : /unshare/.test(stderr)
            ? "building as a non-root user needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1), or build as root"
            : undefined,
        cause: result.status === "rejected" ? result.reason : feed.status === "rejected" ? feed.reason : undefined,
      });
    }
    if (feed.status === "rejected") throw new RootfsError("writing the tar stream to mksquashfs failed", { cause: feed.reason });
    return { size: (await fs.stat(output)).size };
  } catch (error) {
    await fs.rm(output, { force: true });
    throw error;
  }
}
