import { describe, expect, it } from "vitest";
import { ElfError, elfSection } from "../src/public/elf.js";
import { moduleInfo, parseSoftdep, readModinfoPairs } from "../src/public/modules.js";

/** A minimal ELF64 LE relocatable with one `.modinfo` section (and the section-name table). */
function tinyElf(modinfo: string): Uint8Array {
  const shstr = "\0.modinfo\0.shstrtab\0";
  const enc = new TextEncoder();
  const info = enc.encode(modinfo);
  const names = enc.encode(shstr);
  const infoOff = 64;
  const namesOff = infoOff + info.length;
  const shoff = Math.ceil((namesOff + names.length) / 8) * 8;
  const buf = new Uint8Array(shoff + 3 * 64);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  v.setBigUint64(0x28, BigInt(shoff), true);
  v.setUint16(0x3a, 64, true);
  v.setUint16(0x3c, 3, true);
  v.setUint16(0x3e, 2, true);
  buf.set(info, infoOff);
  buf.set(names, namesOff);
  const section = (i: number, name: number, off: number, size: number) => {
    v.setUint32(shoff + i * 64, name, true);
    v.setBigUint64(shoff + i * 64 + 0x18, BigInt(off), true);
    v.setBigUint64(shoff + i * 64 + 0x20, BigInt(size), true);
  };
  section(1, 1, infoOff, info.length);
  section(2, 10, namesOff, names.length);
  return buf;
}

describe(".modinfo parsing", () => {
  it("reads key=value pairs from the section, keeping repeated keys", () => {
    const ko = tinyElf("license=GPL\0alias=a*\0alias=b\0depends=x,y\0name=m\0\0\0");
    expect(readModinfoPairs(ko)).toEqual([["license", "GPL"], ["alias", "a*"], ["alias", "b"], ["depends", "x,y"], ["name", "m"]]);
  });

  it("returns nothing for an ELF file without .modinfo and rejects non-ELF", () => {
    expect(elfSection(tinyElf(""), ".text")).toBeUndefined();
    expect(() => readModinfoPairs(new TextEncoder().encode("#!/bin/sh\n".repeat(10)))).toThrow(ElfError);
  });

  it("reports a damaged module as a NotosError that names the file, never as a RangeError", () => {
    const whole = tinyElf("name=m\0");
    for (const cut of [20, 60, whole.length - 10]) {
      expect(() => moduleInfo(whole.subarray(0, cut), "kernel/fs/m.ko")).toThrow(expect.objectContaining({ name: "ElfError", code: "KERNEL_ELF", message: expect.stringMatching(/^kernel\/fs\/m\.ko: /) }));
    }
  });

  it("parses softdep lines", () => {
    expect(parseSoftdep(["pre: crc32c xxhash-generic post: zstd", "pre: sha256"])).toEqual({ pre: ["crc32c", "xxhash_generic", "sha256"], post: ["zstd"] });
  });
});
