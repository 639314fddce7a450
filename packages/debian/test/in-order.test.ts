// readDebDataInOrder against readDebData, on packages built by the real
// dpkg-deb: the same entries for every package, whatever the reader skips
// or leaves half-read, and a damaged package named in the error.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildTestDeb } from "../../../test-support/deb.js";
import { listArMembers } from "../src/ar.js";
import { readDebData, type DebEntry } from "../src/deb.js";
import { DebianError } from "../src/errors.js";
import { readDebDataInOrder } from "../src/in-order.js";

const work = mkdtempSync(join(tmpdir(), "notos-in-order-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let files: string[] = [];

beforeAll(() => {
  const built = ["alpha", "bravo", "charlie", "delta"].map((name, i) => buildTestDeb(work, { name, doc: { copyright: `copyright of ${name}\n` }, padding: 50_000 * (i + 1) }).file);
  // One package whose data is not xz, in the middle of the row.
  const gzip = buildTestDeb(work, { name: "echo", doc: { copyright: "copyright of echo\n" }, compression: "gzip" }).file;
  files = [built[0]!, built[1]!, gzip, built[2]!, built[3]!];
});

async function all(entries: AsyncIterable<DebEntry>): Promise<DebEntry[]> {
  const out: DebEntry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

/** A copy of `file` whose data.tar.xz has a byte changed in its middle: the index still reads, the data does not. */
async function damaged(file: string): Promise<string> {
  const bytes = readFileSync(file);
  const data = (await listArMembers(file)).find((m) => m.name === "data.tar.xz")!;
  bytes[data.offset + (data.size >> 1)]! ^= 0x55;
  const out = join(work, `damaged-${Math.random().toString(36).slice(2)}.deb`);
  writeFileSync(out, bytes);
  return out;
}

describe("readDebDataInOrder", () => {
  test("every package's entries, as readDebData gives them, xz and gzip alike", async () => {
    const reader = readDebDataInOrder(files);
    try {
      for (const [i, file] of files.entries()) expect(await all(reader.packages[i]!)).toEqual(await all(readDebData(file)));
    } finally {
      await reader.close();
    }
  });

  test("packages passed over or left half-read do not shift the ones after them", async () => {
    const reader = readDebDataInOrder(files);
    try {
      for await (const entry of reader.packages[0]!) {
        expect(entry.path).toBe("/");
        break;
      }
      // bravo (xz) and echo (gzip) are never read.
      expect(await all(reader.packages[3]!)).toEqual(await all(readDebData(files[3]!)));
      expect(await all(reader.packages[4]!)).toEqual(await all(readDebData(files[4]!)));
    } finally {
      await reader.close();
    }
  });

  test("a package read after its turn, or after close(), is an error that says so", async () => {
    const reader = readDebDataInOrder(files);
    await all(reader.packages[1]!);
    await expect(all(reader.packages[0]!)).rejects.toThrow(/read after its turn \(package 1 of 5, the reader is at 3\)/);
    await reader.close();
    await expect(all(reader.packages[3]!)).rejects.toThrow(/read after its reader was closed/);
  });

  test("damaged data: the damaged package is named with xz's message, the ones before it read well, the ones after fail too", async () => {
    const row = [files[0]!, await damaged(files[1]!), files[3]!];
    const reader = readDebDataInOrder(row);
    try {
      expect(await all(reader.packages[0]!)).toEqual(await all(readDebData(row[0]!)));
      const error = await all(reader.packages[1]!).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DebianError);
      expect((error as Error).message).toContain(`${row[1]}: cannot read data.tar.xz`);
      expect((error as Error).message).toMatch(/corrupt|check/i);
      await expect(all(reader.packages[2]!)).rejects.toThrow(DebianError);
    } finally {
      await reader.close();
    }
  });

  test("a file that is not a .deb fails the reader's packages with a DebianError", async () => {
    const notDeb = join(work, "not-a.deb");
    writeFileSync(notDeb, "plain text\n");
    const reader = readDebDataInOrder([files[0]!, notDeb]);
    await expect(all(reader.packages[0]!)).rejects.toThrow(/not-a\.deb is not an ar archive/);
    await reader.close();
  });

  test("close() without a read starts nothing and resolves; a close() mid-package ends xz", async () => {
    await readDebDataInOrder(files).close();
    const reader = readDebDataInOrder(files);
    const iterator = reader.packages[0]![Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ path: "/" });
    await reader.close();
    await iterator.return?.(undefined);
    await expect(all(reader.packages[1]!)).rejects.toThrow(/closed/);
  });
});
