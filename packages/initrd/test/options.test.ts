// @notos/initrd declares the options of stage 1 and of the kernel command
// line: a system of initrdModule alone gets exactly them from this package
// (not core's fallback copies), with descriptions, plus the kernel's and
// debian's through the imported modules; a bad value is reported at its
// path with the file that set it.
import { describe, expect, it } from "vitest";
import { ConfigError, evalSystem, listOptions, type Module } from "@notos/core";
import { debianModule } from "@notos/debian";
import { kernelModule, kernelOptions } from "@notos/kernel";
import { commandLine, initrd, initrdBase, initrdModule, initrdOptions } from "../src/index.js";
import { verityStage1Module } from "../src/verity.js";

const OWNED = [
  "boot.kernelParams",
  "boot.initrd.compression",
  "boot.initrd.busyboxPackage",
  "boot.initrd.rootDevice",
  "boot.initrd.rootFsType",
  "boot.initrd.rootWaitSeconds",
  "boot.initrd.emergencyShell",
  "boot.initrd.overlay",
  "boot.initrd.programs",
  "boot.initrd.verity",
];

describe("initrdModule", () => {
  it("declares exactly its options, and imports the kernel's and debian's modules", () => {
    expect(Object.keys(initrdModule.options ?? {})).toEqual(OWNED);
    expect(initrdModule.options).toBe(initrdOptions);
    expect(initrdModule.imports).toEqual([kernelModule, debianModule, verityStage1Module]);
    expect(initrdModule.builders).toEqual([initrd, initrdBase, commandLine]);
    const declared = new Map(evalSystem({ imports: [initrdModule] }).declarations.map((d) => [d.path, d.schema]));
    for (const path of OWNED) expect(declared.get(path), path).toBe(initrdOptions[path as keyof typeof initrdOptions]);
    expect(declared.get("boot.initrd.kernelModules")).toBe(kernelOptions["boot.initrd.kernelModules"]);
  });

  it("reads only declared options: its own, the kernel's module lists and core's stage2Init", () => {
    const declared = new Set([...OWNED, ...Object.keys(kernelOptions), "boot.stage2Init"]);
    for (const b of [initrd, commandLine]) for (const path of b.reads) expect(declared.has(path), `${b.name} reads ${path}`).toBe(true);
    expect(commandLine.reads).toEqual(["boot.initrd.rootDevice", "boot.kernelParams"]);
    expect(initrd.reads).not.toContain("boot.kernelParams");
  });

  it("lists its options with descriptions and defaults", () => {
    const listed = listOptions(evalSystem({ imports: [initrdModule] }).schema);
    const byPath = new Map(listed.map((o) => [o.path, o]));
    const own = listed.filter((o) => OWNED.some((p) => o.path === p || o.path.startsWith(`${p}.`)));
    // An object option is listed by its fields.
    expect(own.map((o) => o.path).sort()).toEqual([...OWNED.filter((p) => p !== "boot.initrd.overlay"), "boot.initrd.overlay.tmpfsSize", "boot.initrd.overlay.device", "boot.initrd.programs.*.package", "boot.initrd.programs.*.path"].sort());
    for (const o of own) expect(o.description, o.path).toMatch(/\w/);
    expect(byPath.get("boot.initrd.compression")).toMatchObject({ type: 'one of "gzip", "zstd", "xz", "none"', default: "none" });
    expect(byPath.get("boot.initrd.rootWaitSeconds")).toMatchObject({ type: "integer", default: 10 });
    expect(byPath.get("boot.initrd.overlay.tmpfsSize")).toMatchObject({ default: "50%" });
    expect(byPath.get("boot.initrd.overlay.device")).toMatchObject({ hasDefault: false, required: false });
    expect(byPath.get("boot.initrd.programs")).toMatchObject({ default: [] });
    expect(byPath.get("boot.initrd.verity")).toMatchObject({ type: "boolean", default: false });
    expect(byPath.get("boot.kernel.package")?.description).toMatch(/\w/);
    expect(byPath.get("debian.keyring")?.description).toMatch(/\w/);
  });

  it("reports a bad value at its path, naming the file that set it", () => {
    const run = () =>
      evalSystem({ imports: [initrdModule], file: "/sys/notos.config.ts", boot: { initrd: { compression: "lz4", rootWaitSeconds: 0, overlay: { tmpfsSise: "1G" } } } } as unknown as Module);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/boot\.initrd\.compression: expected one of "gzip", "zstd", "xz", "none", got string "lz4" \(set in .*\/sys\/notos\.config\.ts\)/);
    expect(run).toThrow(/boot\.initrd\.rootWaitSeconds: expected a number >= 1, got number 0/);
    expect(run).toThrow(/boot\.initrd\.overlay\.tmpfsSise: unknown option; did you mean "tmpfsSize"\?/);
  });
});
