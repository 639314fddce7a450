// Compressing a byte stream into a file with one of the initrd compressors
// the kernel unpacks. gzip runs in-process; zstd and xz run as commands
// (Node 20 has no zstd, and the xz command is the fastest xz here). Every
// setting is pinned so the same input gives the same bytes on any machine
// with the same tool versions.
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, constants as zlib } from "node:zlib";
import { execa } from "execa";
import { NotosError } from "@notos/core";

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
    case "xz": {
      const [cmd, ...args] = compressorCommands[compression];
      try {
        await execa(cmd!, args, { stdin: chunks, stdout: { file }, stderr: "pipe" });
      } catch (error) {
        const e = error as { code?: string; stderr?: string; shortMessage?: string };
        if (e.code === "ENOENT") {
          throw new NotosError(`the initrd compressor \`${cmd}\` is not installed`, {
            code: "INITRD_COMPRESSOR_MISSING",
            hint: `install the Debian package ${cmd === "xz" ? "xz-utils" : "zstd"} (\`npm run setup\` does), or choose boot.initrd.compression "gzip"`,
            cause: error,
          });
        }
        throw new NotosError(`${cmd} failed while compressing the initrd: ${e.stderr || e.shortMessage}`, { code: "INITRD_COMPRESSOR", hint: "a full disk is the usual cause; otherwise run the command by hand to see why", cause: error });
      }
      return;
    }
  }
}
