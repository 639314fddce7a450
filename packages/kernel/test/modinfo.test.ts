import { describe, expect, it } from "vitest";
import { ElfError, elfSection } from "../src/public/elf.js";
import { moduleInfo, parseSoftdep, readModinfoPairs } from "../src/public/modules.js";
import { moduleElf } from "./elf-fixture.js";

describe(".modinfo parsing", () => {
  it("reads key=value pairs from the section, keeping repeated keys", () => {
    const ko = moduleElf("license=GPL\0alias=a*\0alias=b\0depends=x,y\0name=m\0\0\0");
    expect(readModinfoPairs(ko)).toEqual([["license", "GPL"], ["alias", "a*"], ["alias", "b"], ["depends", "x,y"], ["name", "m"]]);
  });

  it("returns nothing for an ELF file without .modinfo and rejects non-ELF", () => {
    expect(elfSection(moduleElf(""), ".text")).toBeUndefined();
    expect(() => readModinfoPairs(new TextEncoder().encode("#!/bin/sh\n".repeat(10)))).toThrow(ElfError);
  });

  it("reports a damaged module as a NotosError that names the file, never as a RangeError", () => {
    const whole = moduleElf("name=m\0");
    for (const cut of [20, 60, whole.length - 10]) {
      expect(() => moduleInfo(whole.subarray(0, cut), "kernel/fs/m.ko")).toThrow(expect.objectContaining({ name: "ElfError", code: "KERNEL_ELF", message: expect.stringMatching(/^kernel\/fs\/m\.ko: /) }));
    }
  });

  it("parses softdep lines", () => {
    expect(parseSoftdep(["pre: crc32c xxhash-generic post: zstd", "pre: sha256"])).toEqual({ pre: ["crc32c", "xxhash_generic", "sha256"], post: ["zstd"] });
  });
});
