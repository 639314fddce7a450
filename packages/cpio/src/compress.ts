// Compressing a byte stream into a file with one of the compressors the
// kernel unpacks an initrd with. gzip runs in-process; zstd and xz run as
// commands (Node 20 has no zstd, and the xz command is the fastest xz here),
// started with node:child_process so that this package needs nothing but
// @notos/core. Every setting is pinned so the same input gives the same
// bytes on any machine with the same tool versions.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, constants as zlib } from "node:zlib";
import { NotosError } from "@notos/core";
import { requireHostProgram } from "@notos/core/host";

export type Compression = "gzip" | "zstd" | "xz" | "none";

/**
 * The command line of each external compressor. Single-threaded (-T1): a
 * multi-threaded xz splits the stream into blocks and changes the bytes.
 * xz: the kernel's decoder only checks CRC32 (`--check=crc32`); an 8 MiB
 * dictionary covers a whole initrd while keeping the kernel's allocation small.
 */
export const compressorCommands: Record<"zstd" | "xz", readonly string[]> = {
  zstd: ["zstd", "-19", "-T1", "-q", "-c", "--no-progress"],
  xz: ["xz", "--check=crc32", "--lzma2=preset=9e,dict=8MiB", "-T1", "-q", "-c"],
};

/** The Debian package of each external compressor. */
export const compressorPackages: Record<"zstd" | "xz", string> = { zstd: "zstd", xz: "xz-utils" };

/** Write `chunks`, compressed, to `file`. */
export async function writeCompressed(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, compression: Compression, file: string): Promise<void> {
  switch (compression) {
    case "none":
      await pipeline(Readable.from(chunks, { objectMode: false }), createWriteStream(file));
      return;
    case "gzip":
      // Node's gzip header carries no name and mtime 0: reproducible as is.
      await pipeline(Readable.from(chunks, { objectMode: false }), createGzip({ level: zlib.Z_BEST_COMPRESSION, memLevel: 9 }), createWriteStream(file));
      return;
    case "zstd":
    case "xz":
      return runCompressor(compression, chunks, file);
  }
}

async function runCompressor(compression: "zstd" | "xz", chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, file: string): Promise<void> {
  const [cmd, ...args] = compressorCommands[compression];
  const program = requireHostProgram({
    program: cmd!,
    debianPackage: compressorPackages[compression],
    neededBy: `${compression} compression`,
    alternative: 'choose "gzip" compression (boot.initrd.compression in a notos system)',
  });
  const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  try {
    await Promise.all([pipeline(Readable.from(chunks, { objectMode: false }), child.stdin), pipeline(child.stdout, createWriteStream(file))]);
    const code = await exited;
    if (code !== 0) throw new Error(`exit status ${code}`);
  } catch (error) {
    child.kill();
    throw new NotosError(`${cmd} failed while compressing: ${stderr.trim() || (error as Error).message}`, {
      code: "INITRD_COMPRESSOR",
      hint: "a full disk is the usual cause; otherwise run the command by hand to see why",
      cause: error,
    });
  }
}
