// tar stream → sqfstar → root.squashfs. sqfstar takes owners, modes, setuid
// bits and device nodes from the tar headers, so this step runs unprivileged.
// squashfs-tools ≥ 4.4 builds reproducibly by default; the times are pinned
// explicitly (-mkfs-time, -all-time, -root-time). sqfstar 4.5.1 also reads
// SOURCE_DATE_EPOCH but refuses it together with those options ("can't be
// used at the same time"), so the variable is taken out of its environment:
// the bytes depend on the tree, the compressor and the epoch passed here.
import { promises as fs } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { startProgram } from "@notos/core/process";
import type { TreeEntry } from "@notos/core/tree";
import { RootfsError } from "./errors.js";
import { tarStream } from "./tar.js";

export type Compression = "xz" | "zstd" | "gzip";

/** squashfs block sizes sqfstar takes: a larger block compresses better (the xz dictionary is one block) and reads more at once. */
export type BlockSize = "128K" | "256K" | "512K" | "1M";

export interface SquashfsOptions {
  compression: Compression;
  /** Data block size (default sqfstar's, 128K). */
  blockSize?: BlockSize;
  /** Seconds since the epoch for every timestamp in the image (SOURCE_DATE_EPOCH, or 0). */
  epoch: number;
  /** Compressor threads; the output does not depend on it. Default: sqfstar's choice (all CPUs). */
  processors?: number;
  /**
   * An argv prefix that runs sqfstar as another user, e.g.
   * ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"].
   */
  runAs?: readonly string[];
  /** Called with the number of tar bytes sent so far. */
  onBytes?: (bytes: number) => void;
}

export function sqfstarArguments(output: string, options: SquashfsOptions): string[] {
  const time = String(options.epoch);
  return [
    "-comp", options.compression,
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
    output,
  ];
}

/**
 * How sqfstar is started. sqfstar 4.5.1 ignores -root-uid/-root-gid and gives
 * the root directory the uid and gid of whoever runs it (every other inode
 * comes from the tar headers). A non-root build therefore runs it in a user
 * namespace where it is uid 0 (`unshare --map-root-user`, util-linux): it
 * gains no privilege there — it only reads stdin and writes the image — and
 * the image is byte-identical to one built by root.
 */
export function sqfstarCommand(runAs: readonly string[] | undefined, uid: number | undefined = process.getuid?.()): string[] {
  const asRoot = runAs === undefined && uid === 0;
  return [...(runAs ?? []), ...(asRoot ? [] : ["unshare", "--user", "--map-root-user"]), "sqfstar"];
}

/** Write the entries (sorted, parents first) as a squashfs image at `output`; nothing is left behind on failure. */
export async function writeSquashfs(entries: Iterable<TreeEntry>, output: string, options: SquashfsOptions): Promise<{ size: number }> {
  if (!Number.isInteger(options.epoch) || options.epoch < 0 || options.epoch > 0xffffffff) {
    throw new RootfsError(`the image time ${options.epoch} is not an unsigned 32-bit number of seconds`, { hint: "set SOURCE_DATE_EPOCH to a whole number of seconds since 1970" });
  }
  // sqfstar appends to nothing and refuses nothing: start from no file.
  await fs.rm(output, { force: true });
  const argv = [...sqfstarCommand(options.runAs), ...sqfstarArguments(output, options)];
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
    // Our own refusal (a tree sqfstar cannot store) is the cause; sqfstar then only sees a cut stream.
    if (feed.status === "rejected" && feed.reason instanceof RootfsError) throw feed.reason;
    const done = result.status === "fulfilled" ? result.value : undefined;
    if (!done || done.exitCode !== 0 || done.startError) {
      const stderr = done ? done.stderr.toString("utf8").trim() : "";
      throw new RootfsError(`sqfstar failed${done?.exitCode !== undefined ? ` (exit ${done.exitCode})` : ""}${stderr ? `: ${stderr}` : ""}`, {
        code: "ROOTFS_SQFSTAR",
        hint: done?.startError?.code === "ENOENT"
          ? "install squashfs-tools ≥ 4.5 (it provides sqfstar)"
          : /unshare/.test(stderr)
            ? "building as a non-root user needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1), or build as root"
            : undefined,
        cause: result.status === "rejected" ? result.reason : feed.status === "rejected" ? feed.reason : undefined,
      });
    }
    if (feed.status === "rejected") throw new RootfsError("writing the tar stream to sqfstar failed", { cause: feed.reason });
    return { size: (await fs.stat(output)).size };
  } catch (error) {
    await fs.rm(output, { force: true });
    throw error;
  }
}
