// Reading a (compressed) newc initrd back into a listing with content
// hashes, to say which members of two initrds differ rather than only that
// the files do.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { execa } from "execa";

export interface CpioMember {
  name: string;
  mode: string;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  size: number;
  sha256: string;
}

/** The archive's bytes, decompressed by its magic number. */
export async function decompressInitrd(file: string): Promise<Buffer> {
  const data = await readFile(file);
  if (data[0] === 0x1f && data[1] === 0x8b) return gunzipSync(data);
  if (data.readUInt32LE(0) === 0xfd2fb528) return Buffer.from((await execa("zstd", ["-dc", file], { encoding: "buffer" })).stdout);
  if (data.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return Buffer.from((await execa("xz", ["-dc", file], { encoding: "buffer" })).stdout);
  return data;
}

export function parseNewc(data: Buffer): CpioMember[] {
  const members: CpioMember[] = [];
  const align = (n: number) => (n + 3) & ~3;
  let off = 0;
  while (off + 110 <= data.length) {
    const magic = data.toString("latin1", off, off + 6);
    if (magic !== "070701" && magic !== "070702") throw new Error(`not a newc archive at byte ${off} (magic ${JSON.stringify(magic)})`);
    const field = (i: number) => Number.parseInt(data.toString("latin1", off + 6 + i * 8, off + 14 + i * 8), 16);
    const namesize = field(11);
    const size = field(6);
    const name = data.toString("utf8", off + 110, off + 110 + namesize - 1);
    const start = align(off + 110 + namesize);
    if (name === "TRAILER!!!") break;
    const content = data.subarray(start, start + size);
    members.push({
      name,
      mode: field(1).toString(8),
      uid: field(2),
      gid: field(3),
      nlink: field(4),
      mtime: field(5),
      size,
      sha256: createHash("sha256").update(content).digest("hex"),
    });
    off = align(start + size);
  }
  return members;
}
