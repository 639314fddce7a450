// An initrd's members with their digests, read back from the file the kernel
// gets: one or more newc archives one after another, each compressed or not
// (the kernel unpacks them in turn, a later member replacing an earlier one).
// Compressed zstd frames are measured by walking their block headers, so an
// archive appended after one is found; xz and gzip are read to the end of
// the file. The archives themselves are read by the cpio package's reader.
import { gunzipSync } from "node:zlib";
import { readFile } from "node:fs/promises";
import { NotosError } from "@notos/core";
import { requireHostProgram } from "@notos/core/host";
import { runProgram } from "@notos/core/process";
import { manifestEntry, type ManifestEntry } from "@notos/core/tree";
import { readCpio } from "@notos/cpio";

const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const GZIP = [0x1f, 0x8b];
const NEWC = Buffer.from("070701");
const TRAILER = "TRAILER!!!";

const startsWith = (data: Buffer, at: number, magic: readonly number[]) => magic.every((b, i) => data[at + i] === b);
const pad4 = (n: number) => (n + 3) & ~3;

/** Bytes of the zstd frame at `at`: its header, its blocks, its checksum. */
export function zstdFrameLength(data: Buffer, at: number): number {
  const descriptor = data[at + 4]!;
  const singleSegment = (descriptor >> 5) & 1;
  const fcsFlag = descriptor >> 6;
  const dictFlag = descriptor & 3;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  let p = at + 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]! + fcsBytes;
  for (;;) {
    if (p + 3 > data.length) throw new NotosError("The initrd ends inside a zstd frame.", { code: "INITRD_TRUNCATED", hint: "rebuild the initrd" });
    const header = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >> 3;
    p += 3 + (type === 1 ? 1 : size);
    if (last) break;
  }
  return p + ((descriptor >> 2) & 1 ? 4 : 0) - at;
}

/** Bytes of the newc archive at `at`, up to and including its trailer's padding. */
function newcLength(data: Buffer, at: number): number {
  let p = at;
  for (;;) {
    if (!data.subarray(p, p + 6).equals(NEWC)) throw new NotosError(`The initrd has no newc header at byte ${p}.`, { code: "INITRD_MALFORMED", hint: "rebuild the initrd" });
    const field = (i: number) => parseInt(data.toString("latin1", p + 6 + i * 8, p + 14 + i * 8), 16);
    const filesize = field(6);
    const namesize = field(11);
    const name = data.toString("latin1", p + 110, p + 110 + namesize - 1);
    p = pad4(pad4(p + 110 + namesize) + filesize);
    if (name === TRAILER) return p - at;
  }
}

async function decompressWith(program: "zstd" | "xz", bytes: Buffer): Promise<Buffer> {
  requireHostProgram({ program, debianPackage: program === "zstd" ? "zstd" : "xz-utils", neededBy: "reading an initrd back" });
  return (await runProgram(program, ["-dc"], { input: bytes })).stdout;
}

/** The uncompressed newc bytes of an initrd file: every segment, decompressed, in order. */
export async function initrdArchives(data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) {
      at++;
    } else if (startsWith(data, at, ZSTD)) {
      const length = zstdFrameLength(data, at);
      parts.push(await decompressWith("zstd", data.subarray(at, at + length)));
      at += length;
    } else if (startsWith(data, at, XZ)) {
      parts.push(await decompressWith("xz", data.subarray(at)));
      at = data.length;
    } else if (startsWith(data, at, GZIP)) {
      parts.push(gunzipSync(data.subarray(at)));
      at = data.length;
    } else {
      const length = newcLength(data, at);
      parts.push(data.subarray(at, at + length));
      at += length;
    }
  }
  return Buffer.concat(parts);
}

/** Every member of an initrd file, as the kernel would leave them: path, type, mode, owner, size and sha256. */
export async function initrdMembers(file: string): Promise<ManifestEntry[]> {
  return (await readCpio(await initrdArchives(await readFile(file)))).map((entry) => manifestEntry(entry));
}
