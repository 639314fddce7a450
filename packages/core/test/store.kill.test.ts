// Real files, real processes: a writer killed with SIGKILL at different
// moments of `store.put` must never leave an entry that `get` or `list` sees
// half-written.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Store } from "../src/store.js";

const storeModule = fileURLToPath(new URL("../src/store.ts", import.meta.url));
const writer = fileURLToPath(new URL("./fixtures/store-writer.mjs", import.meta.url));

const CHUNKS = 8;
const CHUNK_BYTES = 1 << 20;
const SMALL_FILES = 1500;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "notos-store-kill-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run the writer and SIGKILL it when `trigger` is printed (or after `afterMs`); resolves with what it printed. */
function runAndKill(key: string, trigger: { line?: string; afterMs?: number }): Promise<{ lines: string[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, storeModule, dir, key, String(CHUNKS), String(CHUNK_BYTES), "25", String(SMALL_FILES)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines: string[] = [];
    let buffered = "";
    child.stdout.on("data", (data: Buffer) => {
      buffered += data.toString();
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (trigger.line && line === trigger.line) child.kill("SIGKILL");
        // Start the timer once the child is past its (slow) module loading.
        if (trigger.afterMs !== undefined && line === "started") setTimeout(() => child.kill("SIGKILL"), trigger.afterMs);
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code !== null && code !== 0) reject(new Error(`writer exited with ${code}`));
      else resolve({ lines, killed: signal === "SIGKILL" });
    });
  });
}

/** Every entry visible through the store is complete. */
async function expectConsistent(store: Store): Promise<void> {
  for (const name of await store.list()) {
    expect(name.startsWith(".")).toBe(false);
    const key = name.slice(0, name.indexOf("-"));
    const entry = await store.get<{ chunks: number; chunkBytes: number; smallFiles: number }>("big", key);
    expect(entry, `entry ${name} listed but unreadable`).toBeDefined();
    expect(statSync(join(entry!.path, "big")).size).toBe(entry!.meta.chunks * entry!.meta.chunkBytes);
    if (entry!.meta.smallFiles > 0) expect(readdirSync(join(entry!.path, "many"))).toHaveLength(entry!.meta.smallFiles);
  }
}

describe("store.put killed with SIGKILL", () => {
  const moments: Array<[string, { line?: string; afterMs?: number }]> = [
    ["as produce starts", { line: "started" }],
    ["after the first chunk", { line: "chunk 0" }],
    ["in the middle of the large file", { line: "chunk 4" }],
    ["after the last chunk, while small files are written", { line: `chunk ${CHUNKS - 1}` }],
    ["when produce returns, while the entry is digested", { line: "produced" }],
    ["at a timed moment (100 ms)", { afterMs: 100 }],
    ["at a timed moment (260 ms)", { afterMs: 260 }],
  ];

  it.each(moments)("leaves a consistent store when killed %s", async (_label, trigger) => {
    const store = new Store(dir);
    const key = "0123456789abcdef0123456789abcdef";
    const { lines, killed } = await runAndKill(key, trigger);
    expect(lines).toContain("started");
    expect(killed, "the writer finished before it could be killed").toBe(true);
    await expectConsistent(store);
    if (killed && !lines.includes("produced")) {
      expect(await store.get("big", key)).toBeUndefined();
      expect(await store.list()).toEqual([]);
      expect(readdirSync(dir).some((n) => n.startsWith(".tmp-"))).toBe(true);
    }

    // A later put of the same key succeeds and yields a complete entry.
    const entry = await store.put("big", key, async (d) => {
      writeFileSync(join(d, "big"), Buffer.alloc(CHUNKS * CHUNK_BYTES, 0x61));
      return { chunks: CHUNKS, chunkBytes: CHUNK_BYTES, smallFiles: 0 };
    });
    expect(existsSync(join(entry.path, "big"))).toBe(true);
    expect(await store.list()).toEqual([`${key}-big`]);
    await expectConsistent(store);

    // gc removes the dead writer's temporary directory and keeps the entry.
    await store.gc(await store.list());
    expect(readdirSync(dir).sort()).toEqual([`${key}-big`]);
  });

  it("a writer that is not killed completes its entry", async () => {
    const store = new Store(dir);
    const { lines, killed } = await runAndKill("k", {});
    expect(killed).toBe(false);
    expect(lines.at(-1)).toBe("done");
    await expectConsistent(store);
    expect(await store.list()).toEqual(["k-big"]);
  });

  it("keeps the first entry when the same key is put twice (the rename does not replace a finished entry)", async () => {
    const store = new Store(dir);
    const first = await store.put("etc", "k", async (d) => writeFileSync(join(d, "f"), "one"));
    const second = await store.put("etc", "k", async (d) => writeFileSync(join(d, "f"), "two"));
    expect(second.digest).toBe(first.digest);
    expect(readdirSync(dir)).toEqual(["k-etc"]);
  });
});
