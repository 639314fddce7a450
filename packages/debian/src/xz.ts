// What an .xz file decompresses to, read from its index, so that one xz
// process can decompress many packages' members in a row and its output be
// cut back into one piece per member. Starting a decompressor forks this
// process, and a build that reads a hundred packages paid a second of its
// main thread for the forks alone. `xz --decompress` decodes concatenated
// streams as one, so a row of members is just their bytes one after another.
//
// Supported: the .xz container of the xz file format 1.x — one or more
// streams, each optionally followed by stream padding. The index is read,
// not trusted: xz checks it against the blocks as it decodes, and a reader
// that cuts the output by these sizes also checks that the total came out.
import { requireHostProgram } from "@notos/core/host";
import { programError, runProgram } from "@notos/core/process";
import { DAMAGED_HINT, DebianError } from "./errors.js";

/** Reads `length` bytes at `position` (fewer at the end). */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

const HEADER_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const HEADER_SIZE = 12;
const FOOTER_SIZE = 12;

/** A ReadAt over bytes in memory. */
export function readAtBytes(bytes: Uint8Array): ReadAt {
  return async (position, length) => bytes.subarray(position, position + length);
}

function bad(what: string, why: string): DebianError {
  return new DebianError(`${what} is not a valid .xz stream: ${why}`, { hint: DAMAGED_HINT });
}

/** xz's variable-length integer at `at`: its value and where the next field starts. */
function readVarint(bytes: Uint8Array, at: number, what: string): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) throw bad(what, "its index ends inside a number");
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (i > 0 && byte === 0) throw bad(what, "its index has a number with a needless zero byte");
      if (!Number.isSafeInteger(value)) throw bad(what, "its index has a number too large to be a size");
      return [value, at + i + 1];
    }
  }
  throw bad(what, "its index has a number longer than nine bytes");
}

/**
 * The number of bytes `xz --decompress` writes for the `size` bytes that
 * `readAt` reads: the sum of the uncompressed sizes in the index of every
 * stream. `what` names the data in errors.
 */
export async function xzDecompressedSize(readAt: ReadAt, size: number, what: string): Promise<number> {
  let end = size;
  let total = 0;
  let streams = 0;
  while (end > 0) {
    // Stream padding: null bytes, four at a time, after a stream.
    while (end >= 4) {
      const tail = await readAt(end - 4, 4);
      if (tail.length === 4 && tail.every((b) => b === 0)) end -= 4;
      else break;
    }
    if (end === 0 && streams > 0) break;
    if (end < HEADER_SIZE + FOOTER_SIZE) throw bad(what, streams === 0 ? "it is too short" : "it has bytes before its first stream");
    const footer = Buffer.from(await readAt(end - FOOTER_SIZE, FOOTER_SIZE));
    if (footer.length !== FOOTER_SIZE || footer[10] !== 0x59 || footer[11] !== 0x5a) throw bad(what, "no stream footer at its end");
    const indexSize = (footer.readUInt32LE(4) + 1) * 4;
    const indexStart = end - FOOTER_SIZE - indexSize;
    if (indexStart < HEADER_SIZE) throw bad(what, "its index would start before the stream");
    const index = await readAt(indexStart, indexSize);
    if (index.length !== indexSize || index[0] !== 0) throw bad(what, "no index where the footer points");
    let [records, at] = readVarint(index, 1, what);
    let blocks = 0;
    for (; records > 0; records--) {
      let unpadded: number;
      let uncompressed: number;
      [unpadded, at] = readVarint(index, at, what);
      [uncompressed, at] = readVarint(index, at, what);
      blocks += Math.ceil(unpadded / 4) * 4;
      total += uncompressed;
    }
    // Index padding to four bytes, then its CRC32.
    if (at > indexSize - 4 || indexSize - 4 - at > 3) throw bad(what, "its index's records do not fill it");
    const streamStart = indexStart - blocks - HEADER_SIZE;
    if (streamStart < 0) throw bad(what, "its blocks would start before the file");
    const header = await readAt(streamStart, HEADER_SIZE);
    if (header.length !== HEADER_SIZE || HEADER_MAGIC.some((b, i) => header[i] !== b)) throw bad(what, "no stream header where its index says");
    if (header[6] !== footer[8] || header[7] !== footer[9]) throw bad(what, "its header and footer disagree on the stream's flags");
    if (!Number.isSafeInteger(total)) throw bad(what, "its sizes add up to more than can be counted");
    end = streamStart;
    streams++;
  }
  if (streams === 0) throw bad(what, "it is empty");
  return total;
}

/** The path of the host's xz, checked to be installed (the child then does not search PATH). */
export function xzProgram(neededBy: string): string {
  return requireHostProgram({ program: "xz", debianPackage: "xz-utils", neededBy });
}

/**
 * Decompresses several .xz files held in memory with one xz process: one
 * promise per input, in order. An input whose index cannot be read fails
 * alone; when the process fails, each remaining input is decompressed on
 * its own, so that the error lands on the input that caused it.
 */
export function xzDecompressTogether(inputs: readonly { bytes: Uint8Array; what: string }[]): Promise<Buffer>[] {
  const outcomes = (async (): Promise<PromiseSettledResult<Buffer>[]> => {
    const sizes = await Promise.allSettled(inputs.map((input) => xzDecompressedSize(readAtBytes(input.bytes), input.bytes.length, input.what)));
    const readable = inputs.flatMap((input, i) => (sizes[i]!.status === "fulfilled" ? [{ ...input, size: (sizes[i] as PromiseFulfilledResult<number>).value, i }] : []));
    if (readable.length === 0) return sizes as PromiseRejectedResult[];
    const program = xzProgram("reading the archives of .debs");
    const together = await runProgram(program, ["--decompress", "--stdout"], { input: Buffer.concat(readable.map((r) => r.bytes)), reject: false });
    const expected = readable.reduce((sum, r) => sum + r.size, 0);
    if (together.exitCode === 0 && together.stdout.length === expected) {
      const out: PromiseSettledResult<Buffer>[] = sizes.map((s) => (s.status === "rejected" ? s : { status: "fulfilled", value: Buffer.alloc(0) }));
      let at = 0;
      for (const r of readable) {
        out[r.i] = { status: "fulfilled", value: together.stdout.subarray(at, at + r.size) };
        at += r.size;
      }
      return out;
    }
    const alone = await Promise.allSettled(readable.map((r) => decompressAlone(program, r.bytes, r.size, r.what)));
    const out: PromiseSettledResult<Buffer>[] = [...sizes] as PromiseSettledResult<Buffer>[];
    readable.forEach((r, k) => (out[r.i] = alone[k]!));
    return out;
  })();
  return inputs.map(async (_, i) => {
    const outcome = (await outcomes)[i]!;
    if (outcome.status === "rejected") throw outcome.reason;
    return outcome.value;
  });
}

async function decompressAlone(program: string, bytes: Uint8Array, size: number, what: string): Promise<Buffer> {
  const result = await runProgram(program, ["--decompress", "--stdout"], { input: bytes, reject: false });
  if (result.exitCode !== 0 || result.startError) throw new DebianError(`decompressing ${what} failed: ${programError(result).message}`, { hint: DAMAGED_HINT });
  if (result.stdout.length !== size) throw bad(what, `its index says ${size} bytes, xz wrote ${result.stdout.length}`);
  return result.stdout;
}
