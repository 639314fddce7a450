// @notos/rootfs declares the options its builder reads: a system of
// rootfsModule alone gets exactly them from this package (not core's
// fallback copies), with descriptions, plus the debian options through
// debianModule; a bad value is reported at its path with the file that set it.
import { describe, expect, it } from "vitest";
import { ConfigError, evalSystem, listOptions, type Module } from "@notos/core";
import { optionSlice } from "@notos/core/graph";
import { debianModule } from "@notos/debian";
import { initrdModule } from "@notos/initrd";
import { storeKey } from "@notos/core/store";
import { rootLayers, rootfs, rootfsModule, rootfsOptions, rootfsVerityModule } from "../src/index.js";
import { testConfig, type TestOptions } from "./system.js";

const OWNED = ["rootfs", "environment.packages"];

describe("rootfsModule", () => {
  it("declares exactly the options the rootfs builder reads, and imports debian's", () => {
    expect(Object.keys(rootfsModule.options ?? {})).toEqual(OWNED);
    expect(rootfsModule.options).toBe(rootfsOptions);
    expect([...rootfs.reads].sort()).toEqual([...OWNED].sort());
    expect(rootfsModule.imports).toEqual([debianModule, rootfsVerityModule]);
    expect(rootfsModule.builders).toEqual([rootfs, rootLayers]);
    expect(rootLayers.reads).toEqual(["rootfs"]);
    const declared = new Map(evalSystem({ imports: [rootfsModule] }).declarations.map((d) => [d.path, d.schema]));
    for (const path of OWNED) expect(declared.get(path), path).toBe(rootfsOptions[path as keyof typeof rootfsOptions]);
  });

  it("lists its options with descriptions and defaults", () => {
    const listed = listOptions(evalSystem({ imports: [rootfsModule] }).schema);
    const byPath = new Map(listed.map((o) => [o.path, o]));
    const own = listed.filter((o) => o.path === "environment.packages" || o.path.startsWith("rootfs."));
    expect(own.map((o) => o.path).sort()).toEqual(["environment.packages", "rootfs.blockSize", "rootfs.compression", "rootfs.compressionLevel", "rootfs.conflicts", "rootfs.exclude", "rootfs.include", "rootfs.keepWhole", "rootfs.packageFiles", "rootfs.packageFiles.<name>.drop", "rootfs.packageFiles.<name>.for", "rootfs.packageFiles.<name>.keep", "rootfs.packageFiles.<name>.reason", "rootfs.packageFiles.<name>.unlinked", "rootfs.recommends", "rootfs.setuid", "rootfs.verity"]);
    for (const o of own) expect(o.description, o.path).toMatch(/\w/);
    expect(byPath.get("rootfs.compression")).toMatchObject({ type: 'one of "xz", "zstd", "gzip"', default: "zstd" });
    expect(byPath.get("rootfs.include")).toMatchObject({ default: ["/usr/share/doc/*/copyright"] });
    expect(byPath.get("environment.packages")).toMatchObject({ type: "list of string", default: [] });
    expect(byPath.get("debian.suites")?.description).toMatch(/\w/);
  });

  it("turns on stage 1's dm-verity (boot.initrd.verity: dmsetup and dm-verity in the initrd) with rootfs.verity, and only then", () => {
    const on = evalSystem({ imports: [rootfsModule, initrdModule], rootfs: { verity: true } }).config;
    expect(on.boot.initrd.verity).toBe(true);
    expect(on.boot.initrd.programs).toEqual([{ package: "dmsetup", path: "/usr/sbin/dmsetup" }]);
    expect(on.boot.initrd.kernelModules).toContain("dm-verity");
    const off = evalSystem({ imports: [rootfsModule, initrdModule] }).config;
    expect([off.rootfs.verity, off.boot.initrd.verity, off.boot.initrd.programs, off.boot.initrd.kernelModules]).toEqual([false, false, [], []]);
  });

  it("gives the builder its package set from its own options", () => {
    const config = testConfig({ environment: { packages: ["runit", "bash", "runit"] }, rootfs: { recommends: true } });
    expect(rootfs.packageSets(optionSlice(config, rootfs.reads, rootfs.name))).toEqual([{ name: "rootfs", roots: ["bash", "runit"], dependencies: "all", recommends: true }]);
  });

  it("reports a bad value at its path, naming the file that set it", () => {
    const run = () =>
      evalSystem({ imports: [rootfsModule], file: "/sys/notos.config.ts", rootfs: { compression: "lz4", conflicts: { "etc/x": "a" } }, environment: { packages: "bash" } } as unknown as Module);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/rootfs\.compression: expected one of "xz", "zstd", "gzip", got string "lz4" \(set in .*\/sys\/notos\.config\.ts\)/);
    expect(run).toThrow(/environment\.packages: expected array, got string "bash"/);
    // Keys of conflicts are absolute paths.
    expect(run).toThrow(/rootfs\.conflicts\."etc\/x": /);
  });

  it("takes a compression level the compressor has, and refuses any other naming rootfs.compressionLevel", () => {
    const level = (rootfs: object) => () => evalSystem({ imports: [rootfsModule], file: "/sys/notos.config.ts", rootfs } as unknown as Module).config.rootfs.compressionLevel;
    expect(level({})()).toBeUndefined();
    expect(level({ compressionLevel: 19 })()).toBe(19);
    expect(level({ compression: "gzip", compressionLevel: 1 })()).toBe(1);
    expect(level({ compression: "xz", compressionLevel: 6 })).toThrow(/rootfs\.compressionLevel: xz takes no compression level \(rootfs\.compression is "xz"\)/);
    expect(level({ compressionLevel: 23 })).toThrow(/rootfs\.compressionLevel: zstd takes a whole number from 1 to 22 \(default 15\), not 23/);
    expect(level({ compression: "gzip", compressionLevel: 19 })).toThrow(/rootfs\.compressionLevel: gzip takes a whole number from 1 to 9/);
    expect(level({ compressionLevel: 0 })).toThrow(/rootfs\.compressionLevel: zstd takes/);
    expect(level({ compressionLevel: 2.5 })).toThrow(/rootfs\.compressionLevel: /);
  });

  it("keys the image on the level when one is set, and on nothing new when none is", () => {
    const slice = (settings: object) => optionSlice(testConfig({ rootfs: settings } as TestOptions), rootfs.reads, rootfs.name) as { rootfs: Record<string, unknown> };
    // Unset is absent from the slice the store key hashes: default keys are as before the option.
    expect(Object.keys(slice({}).rootfs)).not.toContain("compressionLevel");
    expect(slice({ compressionLevel: 19 }).rootfs.compressionLevel).toBe(19);
    expect(storeKey({ builder: "rootfs", version: "1", config: slice({ compressionLevel: 19 }) })).not.toBe(storeKey({ builder: "rootfs", version: "1", config: slice({}) }));
  });

  it("accepts every `rootfs: { … }` the README tells the reader to set", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const snippets = [...readme.matchAll(/`rootfs: (\{[^`]*\})`/g)].map((m) => m[1]!);
    expect(snippets.some((s) => s.includes("compressionLevel"))).toBe(true);
    for (const snippet of snippets) {
      const rootfs = Function(`return (${snippet});`)() as object;
      expect(() => evalSystem({ imports: [rootfsModule, initrdModule], rootfs } as unknown as Module), snippet).not.toThrow();
    }
  });
});
