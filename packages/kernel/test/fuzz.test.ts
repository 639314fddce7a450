// The kernel builder reads `.modinfo` out of thousands of module files from
// a package, through its own small ELF reader. Random and mutated files must
// give the module's pairs or an ElfError (KERNEL_ELF, naming the file) —
// never a RangeError from a DataView, a hang, or a read outside the file.
// fast-check runs from a fixed seed (NOTOS_FUZZ_SEED, NOTOS_FUZZ_RUNS to explore).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NotosError } from "@notos/core";
import { fuzzing, mutated, outcome } from "../../../test-support/fuzz.js";
import { elfSections } from "../src/public/elf.js";
import { moduleElf } from "./elf-fixture.js";
import { moduleInfo, readModinfoPairs } from "../src/public/modules.js";

const { check } = fuzzing("kernel");

const MODINFO = "license=GPL\0alias=pci:v00001AF4d*sv*sd*bc*sc*i*\0depends=virtio,virtio_ring\0softdep=pre: crc32c\0name=virtio_blk\0vermagic=6.1.0 SMP mod_unload\0";

describe("the ELF reader and .modinfo", () => {
  it("random bytes behind an ELF magic: named sections and .modinfo pairs, or KERNEL_ELF", async () => {
    const bytes = fc.tuple(fc.constantFrom([0x7f, 0x45, 0x4c, 0x46, 2, 1], [0x7f, 0x45, 0x4c, 0x46, 1, 2], [0x7f, 0x45, 0x4c, 0x46], []), fc.uint8Array({ maxLength: 300 })).map(([magic, rest]) => new Uint8Array([...magic, ...rest]));
    await check("random", 5000, bytes, async (input) => {
      const sections = await outcome(() => elfSections(input), "KERNEL_ELF");
      if (sections instanceof NotosError) return;
      for (const s of sections) expect(typeof s.name).toBe("string");
      await outcome(() => readModinfoPairs(input), "KERNEL_ELF");
    });
  });

  it("mutated modules (both byte orders): pairs, or KERNEL_ELF naming the file", async () => {
    const bases = [moduleElf(MODINFO, true), moduleElf(MODINFO, false)];
    // Header fields (offsets, counts, sizes) are where a reader goes wrong: hit the first 64 bytes often.
    const damage = { kinds: ["flip", "set", "truncate", "insert"] as const, setAt: fc.oneof(fc.integer({ min: 0, max: 63 }), fc.nat()), setByte: fc.constantFrom(0, 1, 2, 0x7f, 0x80, 0xff) };
    await check("mutated", 5000, fc.oneof(...bases.map((base) => mutated(base, damage))), async (input) => {
      const info = await outcome(() => moduleInfo(input, "kernel/drivers/block/virtio_blk.ko"), "KERNEL_ELF");
      if (info instanceof NotosError) return expect(info.message).toMatch(/^kernel\/drivers\/block\/virtio_blk\.ko: /);
      expect(info.name).not.toBe("");
      for (const d of info.depends) expect(d).not.toMatch(/-/);
    });
  });

  it("any .modinfo text a module could carry reads back as its pairs", async () => {
    const pair = fc.tuple(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string({ maxLength: 40 }).filter((s) => !s.includes("\0")));
    await check("round trip", 1000, fc.array(pair, { maxLength: 10 }), (pairs) => {
      const ko = moduleElf(pairs.map(([k, v]) => `${k}=${v}\0`).join(""));
      expect(readModinfoPairs(ko)).toEqual(pairs);
    });
  });
});
