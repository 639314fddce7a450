// The copyright recorder on real packages built by dpkg-deb and read back
// through readDebData: a package's own copyright file is recorded, a doc
// directory that is a link records null, a package not read to its end is
// not recorded, and the file's bytes do not depend on the order of reading.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { buildTestDeb } from "../../../test-support/deb.js";
import { CopyrightRecorder, readCopyrights, COPYRIGHTS_FILE } from "../src/copyrights.js";
import { readDebData } from "../src/deb.js";

const work = mkdtempSync(join(tmpdir(), "notos-copyrights-test-"));
const COPYRIGHT = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: MIT\n";

type Built = ReturnType<typeof buildTestDeb>;

let image: Built;
let meta: Built;

beforeAll(() => {
  image = buildTestDeb(work, { name: "demo-image", doc: { copyright: COPYRIGHT.replace("MIT", "MIT (demo-image)") } });
  meta = buildTestDeb(work, { name: "demo-meta", doc: { linkTo: "demo-image" } });
});

async function drain(entries: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of entries) n++;
  return n;
}

describe("CopyrightRecorder", () => {
  test("passes every entry through and records the package's own copyright, or null for a linked doc directory", async () => {
    const recorder = new CopyrightRecorder();
    const all = await drain(readDebData(image.file));
    expect(await drain(recorder.watch(image, readDebData(image.file)))).toBe(all);
    await drain(recorder.watch(meta, readDebData(meta.file)));
    const dir = mkdtempSync(join(work, "out-"));
    const file = await recorder.write(dir);
    expect(file).toBe(join(dir, COPYRIGHTS_FILE));
    const recorded = await readCopyrights([file]);
    expect(recorded.get(image.sha256)).toBe(COPYRIGHT.replace("MIT", "MIT (demo-image)"));
    expect(recorded.has(meta.sha256)).toBe(true);
    expect(recorded.get(meta.sha256)).toBeNull();
  });

  test("records nothing of a package whose entries were not read to the end", async () => {
    const recorder = new CopyrightRecorder();
    for await (const _ of recorder.watch(image, readDebData(image.file))) break;
    const recorded = await readCopyrights([await recorder.write(mkdtempSync(join(work, "out-")))]);
    expect(recorded.size).toBe(0);
  });

  test("writes the same bytes whatever order the packages were read in", async () => {
    const write = async (order: Built[]) => {
      const recorder = new CopyrightRecorder();
      for (const deb of order) await drain(recorder.watch(deb, readDebData(deb.file)));
      return readFileSync(await recorder.write(mkdtempSync(join(work, "out-"))));
    };
    expect((await write([image, meta])).equals(await write([meta, image]))).toBe(true);
  });

  test("readCopyrights joins several builders' files", async () => {
    const files = [];
    for (const deb of [image, meta]) {
      const recorder = new CopyrightRecorder();
      await drain(recorder.watch(deb, readDebData(deb.file)));
      files.push(await recorder.write(mkdtempSync(join(work, "out-"))));
    }
    expect([...(await readCopyrights(files)).keys()].sort()).toEqual([image.sha256, meta.sha256].sort());
  });
});
