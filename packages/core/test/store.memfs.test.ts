import { vol } from "memfs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Store, hashValue, storeKey } from "../src/store.js";

vi.mock("node:fs");
vi.mock("node:fs/promises");

const { promises: fs } = await import("node:fs");

beforeEach(() => vol.reset());

describe("store keys", () => {
  it("hash values independently of key order, and differ for different inputs", () => {
    expect(hashValue({ a: 1, b: [1, 2] })).toBe(hashValue({ b: [1, 2], a: 1 }));
    expect(hashValue({ a: 1 })).not.toBe(hashValue({ a: 2 }));
    const key = storeKey({ builder: "etc", version: "1", config: { x: 1 } });
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(storeKey({ builder: "etc", version: "2", config: { x: 1 } })).not.toBe(key);
    expect(storeKey({ builder: "etc", version: "1", config: { x: 1 }, inputs: { kernel: "abc" } })).not.toBe(key);
  });
});

describe("Store (in memory)", () => {
  it("puts an entry that get and list then see, with a digest of its files and metadata", async () => {
    const store = new Store("/store");
    expect(await store.get("etc", "k1")).toBeUndefined();
    const entry = await store.put("etc", "k1", async (dir) => {
      await fs.writeFile(`${dir}/layer.json`, "{}");
      await fs.mkdir(`${dir}/sub`);
      await fs.writeFile(`${dir}/sub/x`, "x");
      return { files: 2 };
    });
    expect(entry.path).toBe("/store/k1-etc");
    expect(vol.readFileSync("/store/k1-etc/sub/x", "utf8")).toBe("x");
    const got = await store.get<{ files: number }>("etc", "k1");
    expect(got).toEqual(entry);
    expect(got?.meta.files).toBe(2);
    expect(await store.list()).toEqual(["k1-etc"]);

    const other = await store.put("etc", "k2", async (dir) => {
      await fs.writeFile(`${dir}/layer.json`, "{ }");
      await fs.mkdir(`${dir}/sub`);
      await fs.writeFile(`${dir}/sub/x`, "x");
      return { files: 2 };
    });
    expect(other.digest).not.toBe(entry.digest);
  });

  it("realise builds once and then reports the entry as cached", async () => {
    const store = new Store("/store");
    let builds = 0;
    const produce = async (dir: string) => {
      builds++;
      await fs.writeFile(`${dir}/f`, "content");
      return {};
    };
    expect((await store.realise("k", "key", produce)).cached).toBe(false);
    expect((await store.realise("k", "key", produce)).cached).toBe(true);
    expect(builds).toBe(1);
  });

  it("leaves nothing behind when produce fails", async () => {
    const store = new Store("/store");
    await expect(
      store.put("etc", "k", async (dir) => {
        await fs.writeFile(`${dir}/half`, "x");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(vol.readdirSync("/store")).toEqual([]);
    expect(await store.get("etc", "k")).toBeUndefined();
  });

  it("gc removes entries not kept and leftover temporary directories", async () => {
    const store = new Store("/store");
    await store.put("a", "1", async () => {});
    await store.put("b", "2", async () => {});
    vol.mkdirSync("/store/.tmp-3-c-abcdef", { recursive: true });
    vol.writeFileSync("/store/.tmp-3-c-abcdef/partial", "x");
    expect(await store.gc(["1-a"])).toEqual([".tmp-3-c-abcdef", "2-b"]);
    expect(await store.list()).toEqual(["1-a"]);
    expect(vol.readdirSync("/store")).toEqual(["1-a"]);
  });
});
