import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { sweepTemporaries, tempPathFor } from "../src/cache.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("sweepTemporaries", () => {
  // The index cache is written through core's writeFileAtomic, whose temporary
  // names differ from the downloads': a killed run must not leave either behind.
  test("removes old temporaries of downloads and of core's writeFileAtomic, and nothing else", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notos-sweep-"));
    dirs.push(dir);
    const download = tempPathFor(join(dir, "bash_5.2_amd64.deb"));
    const atomic = join(dir, ".main-amd64-0123.json.tmp-0123456789ab");
    const fresh = join(dir, ".main-amd64-4567.json.tmp-ba9876543210");
    const kept = [join(dir, "main-amd64-0123.json"), join(dir, ".hidden"), join(dir, ".x.tmp-short")];
    for (const file of [download, atomic, fresh, ...kept]) await writeFile(file, "x");
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const file of [download, atomic, ...kept]) await utimes(file, old, old);
    await sweepTemporaries(dir);
    expect((await readdir(dir)).sort()).toEqual([".hidden", ".main-amd64-4567.json.tmp-ba9876543210", ".x.tmp-short", "main-amd64-0123.json"]);
  });
});
