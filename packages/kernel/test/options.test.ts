// @notos/kernel declares the options its builder reads: a system of
// kernelModule alone gets exactly them from this package (not core's
// fallback copies), with descriptions, plus the debian options through
// debianModule; a bad value is reported at its path with the file that set it.
import { describe, expect, it } from "vitest";
import { ConfigError, evalSystem, listOptions, type Module } from "@notos/core";
import { debianModule } from "@notos/debian";
import { kernel, kernelModule, kernelOptions } from "../src/index.js";

const OWNED = ["boot.kernel.package", "boot.kernelModules", "boot.initrd.kernelModules"];

describe("kernelModule", () => {
  it("declares exactly the options the kernel builder reads", () => {
    expect(Object.keys(kernelModule.options ?? {})).toEqual(OWNED);
    expect(kernelModule.options).toBe(kernelOptions);
    expect([...kernel.reads].sort()).toEqual([...OWNED].sort());
    expect(kernelModule.imports).toContain(debianModule);
    const declared = new Map(evalSystem({ imports: [kernelModule] }).declarations.map((d) => [d.path, d.schema]));
    for (const path of OWNED) expect(declared.get(path), path).toBe(kernelOptions[path as keyof typeof kernelOptions]);
    expect(declared.get("debian")).toBe(debianModule.options!.debian);
  });

  it("lists its options with descriptions and defaults", () => {
    const listed = new Map(listOptions(evalSystem({ imports: [kernelModule] }).schema).map((o) => [o.path, o]));
    for (const path of OWNED) expect(listed.get(path)?.description, path).toMatch(/\w/);
    expect(listed.get("boot.kernel.package")).toMatchObject({ type: "string", default: "linux-image-cloud-amd64" });
    expect(listed.get("boot.kernelModules")).toMatchObject({ type: "list of string", default: [] });
    expect(listed.get("boot.initrd.kernelModules")).toMatchObject({ type: "list of string", default: [] });
    expect(listed.get("debian.suites")?.description).toMatch(/\w/);
  });

  it("reports a bad value at its path, naming the file that set it", () => {
    const run = () => evalSystem({ imports: [kernelModule], file: "/sys/notos.config.ts", boot: { kernelModules: "virtio_rng", kernel: { package: 6 } } } as unknown as Module);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/boot\.kernelModules: expected array, got string "virtio_rng" \(set in .*\/sys\/notos\.config\.ts\)/);
    expect(run).toThrow(/boot\.kernel\.package: expected string, got number 6 \(set in .*\/sys\/notos\.config\.ts\)/);
  });
});
