// Entries made elsewhere and restored by a cache (turbo's, local or remote)
// are taken into the store only when every file still matches the digest
// the entry was built with: a damaged or tampered copy is rebuilt, never used.
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Store } from "../src/store.js";

let work: string;
let built: Store;
const key = "0123456789abcdef0123456789abcdef";

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "notos-substitute-"));
  built = new Store(join(work, "first"));
  await built.put("kernel", key, async (dir) => {
    await writeFile(join(dir, "vmlinuz"), "a kernel");
    await writeFile(join(dir, "run"), "#!/bin/sh\n", { mode: 0o755 });
    return { version: "6.1" };
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the first store's entries, as a cache would restore them. */
function restored(name: string, change?: (dir: string) => void): string {
  const dir = join(work, name);
  cpSync(built.dir, dir, { recursive: true });
  change?.(join(dir, `${key}-kernel`));
  return dir;
}

describe("a store with substitutes", () => {
  it("takes an intact entry in instead of building it, with the same digest", async () => {
    const store = new Store(join(work, "second"), { substitutes: [restored("intact")] });
    let builds = 0;
    const entry = await store.realise("kernel", key, async () => ++builds);
    expect(builds).toBe(0);
    expect(entry).toMatchObject({ cached: true, meta: { version: "6.1" }, digest: (await built.get("kernel", key))!.digest });
    expect(readdirSync(store.dir)).toEqual([`${key}-kernel`]);
  });

  it("builds an entry whose restored files were changed, and leaves the store without the copy", async () => {
    const store = new Store(join(work, "third"), { substitutes: [restored("tampered", (dir) => writeFileSync(join(dir, "vmlinuz"), "another kernel"))] });
    const entry = await store.realise("kernel", key, async (dir) => {
      await writeFile(join(dir, "vmlinuz"), "rebuilt");
      return { version: "6.1" };
    });
    expect(entry.cached).toBe(false);
    expect(readFileSync(join(entry.path, "vmlinuz"), "utf8")).toBe("rebuilt");
  });

  it("refuses a copy that lost a file, lost its executable bit, or sits under another entry's name", async () => {
    const store = new Store(join(work, "fourth"));
    expect(await store.adopt(join(restored("missing", (dir) => rmSync(join(dir, "run"))), `${key}-kernel`))).toBe(false);
    expect(await store.adopt(join(restored("mode", (dir) => chmodSync(join(dir, "run"), 0o644)), `${key}-kernel`))).toBe(false);
    const renamed = restored("renamed");
    cpSync(join(renamed, `${key}-kernel`), join(renamed, `${key}-initrd`), { recursive: true });
    expect(await store.adopt(join(renamed, `${key}-initrd`))).toBe(false);
    expect(await store.adopt(join(work, "nowhere", `${key}-kernel`))).toBe(false);
    expect(await store.list()).toEqual([]);
  });
});
