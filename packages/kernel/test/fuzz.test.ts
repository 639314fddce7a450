// The kernel builder reads `.modinfo` out of thousands of module files from
// a package, through its own small ELF reader. Random and mutated files must
// give the module's pairs or an ElfError (KERNEL_ELF, naming the file) —
// never a RangeError from a DataView, a hang, or a read outside the file.
// fast-check runs from a fixed seed (NOTOS_FUZZ_SEED, NOTOS_FUZZ_RUNS to explore).
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { NotosError } from "@notos/core";
import { elfSections } from "../src/public/elf.js";
import { moduleInfo, readModinfoPairs } from "../src/public/modules.js";

const seed = Number(process.env["NOTOS_FUZZ_SEED"] ?? 18);
const scale = Number(process.env["NOTOS_FUZZ_RUNS"] ?? 1);
const counts: Record<string, number> = {};

function check<T>(name: string, runs: number, arb: fc.Arbitrary<T>, body: (input: T) => void): void {
  counts[name] = 0;
  fc.assert(
    fc.property(arb, (input) => {
      counts[name]!++;
      body(input);
    }),
    { seed, numRuns: Math.max(1, Math.round(runs * scale)) },
  );
}

afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`kernel fuzz (seed ${seed}): ${total} cases — ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
});

/** The result, or the KERNEL_ELF error; anything else fails the property. */
function outcome<T>(run: () => T): T | NotosError {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof NotosError)) throw error;
    expect(error.code).toBe("KERNEL_ELF");
    return error;
  }
}

/** A relocatable ELF64 (little- or big-endian) with a `.modinfo` section, laid out as the kernel's modules are. */
function moduleElf(modinfo: string, little = true): Uint8Array {
  const enc = new TextEncoder();
  const info = enc.encode(modinfo);
  const names = enc.encode("\0.modinfo\0.shstrtab\0");
  const infoOff = 64;
  const namesOff = infoOff + info.length;
  const shoff = Math.ceil((namesOff + names.length) / 8) * 8;
  const buf = new Uint8Array(shoff + 3 * 64);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, little ? 1 : 2, 1], 0);
  v.setBigUint64(0x28, BigInt(shoff), little);
  v.setUint16(0x3a, 64, little);
  v.setUint16(0x3c, 3, little);
  v.setUint16(0x3e, 2, little);
  buf.set(info, infoOff);
  buf.set(names, namesOff);
  const section = (i: number, name: number, off: number, size: number) => {
    v.setUint32(shoff + i * 64, name, little);
    v.setBigUint64(shoff + i * 64 + 0x18, BigInt(off), little);
    v.setBigUint64(shoff + i * 64 + 0x20, BigInt(size), little);
  };
  section(1, 1, infoOff, info.length);
  section(2, 10, namesOff, names.length);
  return buf;
}

function mutated(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    // Header fields (offsets, counts, sizes) are where a reader goes wrong: hit the first 64 bytes and the section table often.
    fc.record({ kind: fc.constant("set" as const), at: fc.oneof(fc.integer({ min: 0, max: 63 }), fc.nat()), byte: fc.constantFrom(0, 1, 2, 0x7f, 0x80, 0xff) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 9 }) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let bytes = Buffer.from(base);
    for (const e of edits) {
      const at = bytes.length === 0 ? 0 : e.at % bytes.length;
      if (e.kind === "flip" && bytes.length) bytes[at]! ^= 1 << e.bit;
      else if (e.kind === "set" && bytes.length) bytes[at] = e.byte;
      else if (e.kind === "insert") bytes = Buffer.concat([bytes.subarray(0, at), e.bytes, bytes.subarray(at)]);
      else if (e.kind === "truncate") bytes = bytes.subarray(0, at);
    }
    return new Uint8Array(bytes);
  });
}

const MODINFO = "license=GPL\0alias=pci:v00001AF4d*sv*sd*bc*sc*i*\0depends=virtio,virtio_ring\0softdep=pre: crc32c\0name=virtio_blk\0vermagic=6.1.0 SMP mod_unload\0";

describe("the ELF reader and .modinfo", () => {
  it("random bytes behind an ELF magic: named sections and .modinfo pairs, or KERNEL_ELF", () => {
    const bytes = fc.tuple(fc.constantFrom([0x7f, 0x45, 0x4c, 0x46, 2, 1], [0x7f, 0x45, 0x4c, 0x46, 1, 2], [0x7f, 0x45, 0x4c, 0x46], []), fc.uint8Array({ maxLength: 300 })).map(([magic, rest]) => new Uint8Array([...magic, ...rest]));
    check("random", 5000, bytes, (input) => {
      const sections = outcome(() => elfSections(input));
      if (sections instanceof NotosError) return;
      for (const s of sections) expect(typeof s.name).toBe("string");
      outcome(() => readModinfoPairs(input));
    });
  });

  it("mutated modules (both byte orders): pairs, or KERNEL_ELF naming the file", () => {
    const bases = [moduleElf(MODINFO, true), moduleElf(MODINFO, false)];
    check("mutated", 5000, fc.oneof(...bases.map(mutated)), (input) => {
      const info = outcome(() => moduleInfo(input, "kernel/drivers/block/virtio_blk.ko"));
      if (info instanceof NotosError) return expect(info.message).toMatch(/^kernel\/drivers\/block\/virtio_blk\.ko: /);
      expect(info.name).not.toBe("");
      for (const d of info.depends) expect(d).not.toMatch(/-/);
    });
  });

  it("any .modinfo text a module could carry reads back as its pairs", () => {
    const pair = fc.tuple(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string({ maxLength: 40 }).filter((s) => !s.includes("\0")));
    check("round trip", 1000, fc.array(pair, { maxLength: 10 }), (pairs) => {
      const ko = moduleElf(pairs.map(([k, v]) => `${k}=${v}\0`).join(""));
      expect(readModinfoPairs(ko)).toEqual(pairs);
    });
  });
});
