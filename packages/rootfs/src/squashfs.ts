// tar stream → sqfstar → root.squashfs. sqfstar takes owners, modes, setuid
// bits and device nodes from the tar headers, so this step runs unprivileged.
// squashfs-tools ≥ 4.4 builds reproducibly by default; the times are pinned
// explicitly (-mkfs-time, -all-time, -root-time) rather than relying on the
// environment, so the bytes depend on the tree, the compressor and the epoch.
import { promises as fs } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { execa } from "execa";
import type { TreeEntry } from "@notos/core";
import { RootfsError } from "./errors.js";
import { tarStream } from "./tar.js";

export type Compression = "xz" | "zstd" | "gzip";

export interface SquashfsOptions {
  compression: Compression;
  /** Seconds since the epoch for every timestamp in the image (SOURCE_DATE_EPOCH, or 0). */
  epoch: number;
  /** Compressor threads; the output does not depend on it. Default: sqfstar's choice (all CPUs). */
  processors?: number;
  /**
   * The command that runs sqfstar, as argv ("sqfstar" by default); a prefix
   * such as ["setpriv", "--reuid=65534", …, "sqfstar"] runs it as another user.
   */
  command?: readonly string[];
  /** Called with the number of tar bytes sent so far. */
  onBytes?: (bytes: number) => void;
}

export function sqfstarArguments(output: string, options: SquashfsOptions): string[] {
  const time = String(options.epoch);
  return [
    "-comp", options.compression,
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

/** Write the entries (sorted, parents first) as a squashfs image at `output`; nothing is left behind on failure. */
export async function writeSquashfs(entries: Iterable<TreeEntry>, output: string, options: SquashfsOptions): Promise<{ size: number }> {
  if (!Number.isInteger(options.epoch) || options.epoch < 0 || options.epoch > 0xffffffff) {
    throw new RootfsError(`the image time ${options.epoch} is not an unsigned 32-bit number of seconds`, { hint: "set SOURCE_DATE_EPOCH to a whole number of seconds since 1970" });
  }
  // sqfstar appends to nothing and refuses nothing: start from no file.
  await fs.rm(output, { force: true });
  const [file, ...commandArgs] = options.command ?? ["sqfstar"];
  const child = execa(file!, [...commandArgs, ...sqfstarArguments(output, options)], { stdin: "pipe", stdout: "pipe", stderr: "pipe", reject: false, buffer: true });
  let sent = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.byteLength;
      options.onBytes?.(sent);
      callback(null, chunk);
    },
  });
  try {
    const [feed, result] = await Promise.allSettled([pipeline(tarStream(entries, { mtime: options.epoch }), count, child.stdin!), child]);
    const done = result.status === "fulfilled" ? result.value : undefined;
    if (!done || done.exitCode !== 0 || done.failed) {
      const stderr = typeof done?.stderr === "string" ? done.stderr.trim() : "";
      throw new RootfsError(`sqfstar failed${done?.exitCode !== undefined ? ` (exit ${done.exitCode})` : ""}${stderr ? `: ${stderr}` : ""}`, {
        hint: done?.code === "ENOENT" || /ENOENT/.test(String(done?.message ?? "")) ? "install squashfs-tools ≥ 4.5 (it provides sqfstar)" : undefined,
        cause: result.status === "rejected" ? result.reason : undefined,
      });
    }
    if (feed.status === "rejected") throw new RootfsError("writing the tar stream to sqfstar failed", { cause: feed.reason });
    return { size: (await fs.stat(output)).size };
  } catch (error) {
    await fs.rm(output, { force: true });
    throw error;
  }
}
