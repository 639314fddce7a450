// Reading a (compressed) initrd back into a listing with content hashes, to
// say which members of two initrds differ rather than only that the files
// do. The archive is read by the cpio package's own reader; only the
// decompression, by the compressor's magic number, is the bench's.
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { execa } from "execa";
import { manifestEntry, type ManifestEntry } from "@notos/core/tree";
import { readCpio } from "@notos/initrd/cpio";

/** The archive's bytes, decompressed by its magic number. */
export async function decompressInitrd(file: string): Promise<Buffer> {
  const data = await readFile(file);
  if (data[0] === 0x1f && data[1] === 0x8b) return gunzipSync(data);
  if (data.readUInt32LE(0) === 0xfd2fb528) return Buffer.from((await execa("zstd", ["-dc", file], { encoding: "buffer" })).stdout);
  if (data.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return Buffer.from((await execa("xz", ["-dc", file], { encoding: "buffer" })).stdout);
  return data;
}

/** Every member of an initrd file: path, type, mode, owner, size and the sha256 of its content. */
export async function initrdMembers(file: string): Promise<ManifestEntry[]> {
  return (await readCpio(await decompressInitrd(file))).map((entry) => manifestEntry(entry));
}
