// The data archives of many packages, read one after another through one
// xz process instead of one process each. A root of a hundred packages is
// unpacked in a fixed order anyway; feeding xz their data members in that
// order, back to back, and cutting its output by the sizes in each
// member's index (xz.ts) gives every package its own tar stream. xz only
// flushes its output when more input comes or its input ends, so the order
// has to be known before the first byte is read: hence a list of files, read
// in its order, and a close() that ends the process whatever was read.
//
// Members that are not xz (zstd, gzip, none) are read on their own, as
// readDebData does; they take no part in the shared stream.
import { createReadStream, promises as fs } from "node:fs";
import { PassThrough, type Writable } from "node:stream";
import { programError, startProgram, type RunningProgram } from "@notos/core/process";
import type { ArMember } from "./ar.js";
import { member as debMember, readDebData, tarEntries, toEntry, type DebEntry } from "./deb.js";
import { DAMAGED_HINT, DebianError } from "./errors.js";
import { xzDecompressedSize, xzProgram } from "./xz.js";

export interface DebDataInOrder {
  /** Each file's data entries, as readDebData gives them; to be read in this order (one read later than its turn fails). */
  readonly packages: readonly AsyncIterable<DebEntry>[];
  /** Ends the decompressor. After every package was read to its end, it also checks that xz ended well. */
  close(): Promise<void>;
}

interface Planned {
  file: string;
  member: ArMember;
  /** What xz writes for it, from its index; undefined for a member that is not xz. */
  size: number | undefined;
}

/** The data archives of `files`, read in that order through one decompressor. */
export function readDebDataInOrder(files: readonly string[]): DebDataInOrder {
  let started: Promise<Row> | undefined;
  let closed = false;
  const row = () => (started ??= Row.start(files));
  const packages = files.map((file, i) => ({
    async *[Symbol.asyncIterator](): AsyncGenerator<DebEntry> {
      if (closed) throw new DebianError(`${file}: read after its reader was closed`, { hint: "read every package before close()" });
      yield* (await row()).read(i);
    },
  }));
  return {
    packages,
    async close() {
      closed = true;
      // A row that could not start has nothing to end; its error went to the readers.
      const running = await started?.catch(() => undefined);
      await running?.close();
    },
  };
}

/** One xz process and the place in its output. */
class Row {
  /** Index of the next package whose turn it is. */
  private next = 0;
  /** Output bytes read so far, and not yet handed to a package. */
  private pending: Buffer | undefined;
  private readonly output: AsyncIterator<Buffer>;
  /** The first failure: every later read repeats it. */
  private failure: unknown;
  private reading = false;

  /** Why feeding xz stopped, when reading a member failed. */
  private feedError: unknown;

  private constructor(
    private readonly plan: readonly Planned[],
    private readonly xz: RunningProgram | undefined,
  ) {
    this.output = xz ? (xz.stdout![Symbol.asyncIterator]() as AsyncIterator<Buffer>) : (async function* () {})();
    if (xz)
      feed(xz.stdin!, plan.filter((p) => p.size !== undefined)).catch((error) => {
        this.feedError = error;
        xz.kill();
      });
  }

  static async start(files: readonly string[]): Promise<Row> {
    const plan = await Promise.all(
      files.map(async (file): Promise<Planned> => {
        const member = await debMember(file, "data.tar");
        if (!member.name.endsWith(".xz")) return { file, member, size: undefined };
        const handle = await fs.open(file, "r");
        try {
          const readAt = async (position: number, length: number) => {
            const bytes = Buffer.alloc(Math.max(0, Math.min(length, member.size - position)));
            const { bytesRead } = await handle.read(bytes, 0, bytes.length, member.offset + position);
            return bytes.subarray(0, bytesRead);
          };
          return { file, member, size: await xzDecompressedSize(readAt, member.size, `${file}: ${member.name}`) };
        } finally {
          await handle.close();
        }
      }),
    );
    if (plan.every((p) => p.size === undefined)) return new Row(plan, undefined);
    // The decompressor exits early on bad input; its status is the error that counts, not EPIPE (startProgram ignores that).
    return new Row(plan, startProgram(xzProgram("unpacking the data archives of .debs"), ["--decompress", "--stdout"], { stdin: "pipe", stdout: "stream", reject: false }));
  }

  async *read(i: number): AsyncGenerator<DebEntry> {
    const { file, size } = this.plan[i]!;
    if (size === undefined) {
      yield* readDebData(file);
      return;
    }
    if (this.reading) throw new DebianError(`${file}: read while another package of the same reader is being read`, { hint: "read the packages one after another, in their order" });
    if (i < this.next) throw new DebianError(`${file}: read after its turn (package ${i + 1} of ${this.plan.length}, the reader is at ${this.next + 1})`, { hint: "read the packages in the order they were given" });
    this.reading = true;
    try {
      if (this.failure !== undefined) throw this.failure;
      // Packages passed over are skipped in xz's output.
      for (; this.next < i; this.next++) {
        const skipped = this.plan[this.next]!;
        if (skipped.size !== undefined) await this.drain(skipped.size).catch(async (error) => Promise.reject(await this.failed(skipped, error)));
      }
      this.next = i + 1;
      yield* this.entries(this.plan[i]!, size);
      if (this.plan.slice(this.next).every((p) => p.size === undefined)) await this.finish();
    } catch (error) {
      this.failure ??= error;
      throw error;
    } finally {
      this.reading = false;
    }
  }

  /** One package's entries: its `size` bytes of xz's output through a tar parser. */
  private async *entries(planned: Planned, size: number): AsyncGenerator<DebEntry> {
    const tar = new PassThrough();
    let left = size;
    let abandoned = false;
    const pump = (async () => {
      while (left > 0) {
        const chunk = await this.take(left);
        left -= chunk.length;
        if (abandoned) continue;
        if (!tar.write(chunk)) await drained(tar);
      }
      if (!abandoned) tar.end();
    })();
    pump.catch((error) => tar.destroy(error));
    let finished = false;
    try {
      for await (const { header, content } of tarEntries(tar)) {
        const entry = toEntry(header, content, planned.file);
        if (entry) yield entry;
      }
      await pump;
      finished = true;
    } catch (error) {
      throw await this.failed(planned, error);
    } finally {
      // A reader that stopped early: the rest of its bytes are skipped, so the next package starts where it should.
      abandoned = !finished;
      if (abandoned) tar.destroy();
      await pump.catch(() => undefined);
    }
  }

  /** Up to `most` bytes of xz's output. */
  private async take(most: number): Promise<Buffer> {
    let chunk = this.pending;
    this.pending = undefined;
    if (!chunk) {
      const next = await this.output.next();
      if (next.done) throw new DebianError("xz's output ended before the member did", { hint: DAMAGED_HINT });
      chunk = next.value;
    }
    if (chunk.length > most) {
      this.pending = chunk.subarray(most);
      chunk = chunk.subarray(0, most);
    }
    return chunk;
  }

  private async drain(size: number): Promise<void> {
    for (let left = size; left > 0; ) left -= (await this.take(left)).length;
  }

  /** The error for a package that could not be read: xz's own message when xz failed. */
  private async failed(planned: Planned, error: unknown): Promise<DebianError> {
    this.xz?.kill();
    const result = this.xz ? await this.xz.result : undefined;
    const stderr = result?.stderr.toString("utf8").trim();
    const cause = this.feedError ?? error;
    return new DebianError(`${planned.file}: cannot read ${planned.member.name}: ${(cause as Error).message}${stderr ? ` (${stderr})` : ""}`, { hint: DAMAGED_HINT, cause });
  }

  /** After the last xz member: xz must end, and well. */
  private async finish(): Promise<void> {
    if (!this.xz) return;
    const trailing = this.pending ?? (await this.output.next()).value;
    const result = await this.xz.result;
    const last = [...this.plan].reverse().find((p) => p.size !== undefined)!;
    if (result.exitCode !== 0 || result.startError) throw new DebianError(`${last.file}: decompressing the data archives failed: ${programError(result).message}`, { hint: DAMAGED_HINT });
    if (trailing) throw new DebianError(`${last.file}: xz wrote more than the members' indexes say`, { hint: DAMAGED_HINT });
  }

  async close(): Promise<void> {
    if (!this.xz) return;
    this.xz.kill();
    await this.xz.result;
  }
}

/** Writes the members' bytes to xz's stdin, one after another, then ends it. */
async function feed(stdin: Writable, members: readonly Planned[]): Promise<void> {
  stdin.on("error", () => undefined);
  for (const { file, member } of members) {
    for await (const chunk of createReadStream(file, { start: member.offset, end: member.offset + member.size - 1 })) {
      if (stdin.destroyed) return;
      if (!stdin.write(chunk as Buffer)) await drained(stdin);
    }
  }
  stdin.end();
}

/** Settles when `stream` can take more, or is gone. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
