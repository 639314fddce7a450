import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, type BuildContext } from "@notos/core";
import { silentReporter } from "@notos/core/progress";
import { Store } from "@notos/core/store";
import { fileText, readLayer, serializeLayer } from "@notos/core/tree";
import { buildEtc, etcLayer } from "../src/index.js";
import { configOf, type TestOptions } from "./system.js";

function context(options: TestOptions, storeDir = mkdtempSync(join(tmpdir(), "notos-store-"))): BuildContext {
  return { config: configOf(options), store: new Store(storeDir), lockFile: join(storeDir, "notos.lock.json"), reporter: silentReporter };
}

describe("buildEtc", () => {
  it("stores the layer and its manifest, and reuses the entry for the same configuration", async () => {
    const options: TestOptions = { networking: { hostname: "box" }, users: { root: { uid: 0, group: "root" } }, groups: { root: { gid: 0 } } };
    const ctx = context(options);
    const first = await buildEtc(ctx);
    expect(first).toMatchObject({ builder: "etc", layerName: "etc", cached: false });
    const layer = await readLayer(first.path);
    expect(serializeLayer(layer)).toBe(serializeLayer(etcLayer(ctx.config)));
    const manifest = JSON.parse(await readFile(join(first.path, "manifest.json"), "utf8")) as { path: string; mode: string }[];
    expect(manifest.find((m) => m.path === "/etc/hostname")).toMatchObject({ mode: "0644" });

    const again = await buildEtc(context(options, ctx.store.dir));
    expect(again).toMatchObject({ path: first.path, digest: first.digest, cached: true });
    const other = await buildEtc(context({ ...options, networking: { hostname: "other" } }, ctx.store.dir));
    expect(other.path).not.toBe(first.path);
  });

  it("keys on the content of source files, not only their paths", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notos-src-"));
    const source = join(dir, "motd");
    writeFileSync(source, "one\n");
    const options: TestOptions = { environment: { etc: { motd: { source } } } };
    const ctx = context(options);
    const first = await buildEtc(ctx);
    writeFileSync(source, "two\n");
    const second = await buildEtc(context(options, ctx.store.dir));
    expect(second.cached).toBe(false);
    expect(second.path).not.toBe(first.path);
    const motd = (await readLayer(second.path)).entries.find((e) => e.path === "/etc/motd");
    expect(fileText(motd)).toBe("two\n");
  });

  it("fails with a ConfigError and leaves nothing in the store", async () => {
    const ctx = context({ users: { a: { uid: 1, group: "missing" } } });
    await expect(buildEtc(ctx)).rejects.toBeInstanceOf(ConfigError);
    expect(await ctx.store.list()).toEqual([]);
  });
});
