// The cpio reader takes archives from outside (an initrd someone hands
// over), so random and mutated input must give entries or a NotosError
// (CPIO_MALFORMED, naming the offset) — never a TypeError, a RangeError, a
// hang, or a buffer larger than the input (CPIO_UNSUPPORTED for a valid
// header the reader does not take). And whatever tree the writer
// packs, the reader gives back, however the bytes are split into chunks.
// fast-check runs from a fixed seed (NOTOS_FUZZ_SEED, NOTOS_FUZZ_RUNS to explore).
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { NotosError } from "@notos/core";
import type { TreeEntry } from "@notos/core/tree";
import { fuzzing, mutated as edited } from "../../../test-support/fuzz.js";
import { cpioBytes, readCpio, type TimedEntry } from "../src/index.js";

const { check } = fuzzing("cpio");

/** Damage where a newc reader trusts the input: its hexadecimal header fields. */
const mutated = (base: Uint8Array) => edited(base, { setByte: fc.constantFrom(...Buffer.from("0123456789abcdefABCDEFxyz-+ ")), maxEdits: 5 });

/** The entries, or the CPIO_MALFORMED error; anything else fails the property. */
async function read(input: Uint8Array | Uint8Array[]): Promise<TimedEntry[] | NotosError> {
  try {
    return await readCpio(input);
  } catch (error) {
    if (!(error instanceof NotosError)) throw error;
    expect(error.code).toMatch(/^CPIO_(MALFORMED|UNSUPPORTED)$/);
    expect(error.message).toMatch(/^cpio: /);
    return error;
  }
}

/** Split bytes into chunks at the given cut points. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length ? c % bytes.length : 0)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

const text = (s: string) => new TextEncoder().encode(s);
const SAMPLE: TreeEntry[] = [
  { path: "/", type: "dir", mode: 0o755, uid: 0, gid: 0 },
  { path: "/bin", type: "dir", mode: 0o755, uid: 0, gid: 0 },
  { path: "/bin/busybox", type: "file", mode: 0o755, uid: 0, gid: 0, content: text("BUSYBOX ".repeat(40)) },
  { path: "/bin/ash", type: "hardlink", mode: 0o755, uid: 0, gid: 0, target: "/bin/busybox" },
  { path: "/bin/sh", type: "symlink", mode: 0o777, uid: 0, gid: 0, target: "busybox" },
  { path: "/dev", type: "dir", mode: 0o755, uid: 0, gid: 0 },
  { path: "/dev/console", type: "char", mode: 0o600, uid: 0, gid: 5, major: 5, minor: 1 },
  { path: "/init", type: "file", mode: 0o755, uid: 0, gid: 0, content: text("#!/bin/sh\nexec switch_root /new /sbin/init\n") },
];
const archive = cpioBytes(SAMPLE);

describe("readCpio on damaged input", () => {
  it("random bytes after a newc magic: entries or CPIO_MALFORMED", async () => {
    const bytes = fc.tuple(fc.constantFrom("070701", "070702", "07070", ""), fc.uint8Array({ maxLength: 400 })).map(([magic, rest]) => new Uint8Array(Buffer.concat([Buffer.from(magic), rest])));
    await check("random", 3000, bytes, async (input) => {
      await read(input);
    });
  });

  it("mutations of a real archive: entries or CPIO_MALFORMED, the same whole or in chunks", async () => {
    await check("mutated", 3000, fc.tuple(mutated(archive), fc.array(fc.nat(), { maxLength: 8 })), async ([input, cuts]) => {
      const whole = await read(input);
      const pieces = await read(chunked(input, cuts));
      if (whole instanceof NotosError) {
        expect(pieces).toBeInstanceOf(NotosError);
        return;
      }
      expect(pieces).toEqual(whole);
      // Nothing read can be larger than what came in.
      const bytes = whole.reduce((n, e) => n + (e.type === "file" ? (e.content?.length ?? 0) : 0), 0);
      expect(bytes).toBeLessThanOrEqual(input.length);
    });
  });
});

describe("the writer and the reader", () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9._é -]{1,12}$/).filter((s) => s !== "." && s !== "..");
  const entry = fc.oneof(
    fc.record({ kind: fc.constant("file" as const), name: segment, content: fc.uint8Array({ maxLength: 200 }), mode: fc.constantFrom(0o644, 0o755, 0o4755, 0o600) }),
    fc.record({ kind: fc.constant("symlink" as const), name: segment, target: fc.stringMatching(/^[a-z/.]{1,20}$/) }),
    fc.record({ kind: fc.constant("dir" as const), name: segment }),
  );
  it("read back every generated tree exactly, whatever the chunking", async () => {
    const trees = fc.tuple(fc.uniqueArray(entry, { selector: (e) => e.name, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }));
    await check("round trip", 500, trees, async ([items, cuts]) => {
      const entries: TreeEntry[] = [
        { path: "/", type: "dir", mode: 0o755, uid: 0, gid: 0 },
        { path: "/d", type: "dir", mode: 0o755, uid: 0, gid: 0 },
        ...items.map((i): TreeEntry => {
          const path = `/d/${i.name}`;
          if (i.kind === "file") return { path, type: "file", mode: i.mode, uid: 0, gid: 0, content: i.content };
          if (i.kind === "symlink") return { path, type: "symlink", mode: 0o777, uid: 0, gid: 0, target: i.target };
          return { path, type: "dir", mode: 0o755, uid: 0, gid: 0 };
        }),
      ];
      const bytes = cpioBytes(entries);
      const back = await readCpio(chunked(bytes, cuts));
      const shape = (e: TreeEntry) => ({
        path: e.path,
        type: e.type,
        mode: e.mode & 0o7777,
        ...(e.type === "file" ? { content: Buffer.from(e.content ?? new Uint8Array()).toString("hex") } : {}),
        ...(e.type === "symlink" ? { target: e.target } : {}),
      });
      expect(back.map(shape).sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(entries.map(shape).sort((a, b) => (a.path < b.path ? -1 : 1)));
    });
  });
});
