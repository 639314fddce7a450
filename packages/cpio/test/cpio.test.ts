import { describe, expect, it } from "vitest";
import type { TreeEntry } from "@notos/core/tree";
import { cpioBytes, encodeHeader, planCpio, type CpioRecord } from "../src/index.js";

const text = (s: string) => new TextEncoder().encode(s);
const ascii = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/** Parse a newc archive back (test oracle, independent of the writer's code paths). */
function parse(bytes: Uint8Array): { name: string; fields: number[]; data: string }[] {
  const s = ascii(bytes);
  const out: { name: string; fields: number[]; data: string }[] = [];
  let off = 0;
  for (;;) {
    expect(s.slice(off, off + 6)).toBe("070701");
    const fields = Array.from({ length: 13 }, (_, i) => parseInt(s.slice(off + 6 + i * 8, off + 14 + i * 8), 16));
    const namesize = fields[11]!;
    const name = s.slice(off + 110, off + 110 + namesize - 1);
    expect(s.charCodeAt(off + 110 + namesize - 1)).toBe(0);
    off += 110 + namesize;
    expect(off % 4 === 0 || s.slice(off, off + ((4 - (off % 4)) % 4)).split("").every((c) => c === "\0")).toBe(true);
    off += (4 - (off % 4)) % 4;
    const size = fields[6]!;
    const data = s.slice(off, off + size);
    off += size;
    off += (4 - (off % 4)) % 4;
    out.push({ name, fields, data });
    if (name === "TRAILER!!!") break;
  }
  expect(off).toBe(bytes.length);
  return out;
}

describe("encodeHeader", () => {
  it("writes the 13 newc fields as 8 upper-case hex digits and pads header+name to 4 bytes", () => {
    const record: CpioRecord = { name: "abc", ino: 7, mode: 0o100644, uid: 1000, gid: 100, nlink: 1, mtime: 0x5f5e100, rdevMajor: 5, rdevMinor: 1, data: text("hi") };
    const header = encodeHeader(record);
    // 110 + "abc\0" = 114 → padded to 116
    expect(header.length).toBe(116);
    expect(ascii(header.slice(0, 110))).toBe(
      "070701" + "00000007" + "000081A4" + "000003E8" + "00000064" + "00000001" + "05F5E100" + "00000002" + "00000000" + "00000000" + "00000005" + "00000001" + "00000004" + "00000000",
    );
    expect(ascii(header.slice(110))).toBe("abc\0\0\0");
  });

  it("needs no padding when header+name is already aligned", () => {
    // 110 + "ab\0" = 113; 110 + "abcdef\0\0"? use a 5-char name: 110 + 6 = 116
    const header = encodeHeader({ name: "abcde", ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, rdevMajor: 0, rdevMinor: 0, data: new Uint8Array() });
    expect(header.length).toBe(116);
  });

  it("refuses values that do not fit 32 bits", () => {
    expect(() => encodeHeader({ name: "x", ino: 0, mode: 0, uid: 2 ** 32, gid: 0, nlink: 1, mtime: 0, rdevMajor: 0, rdevMinor: 0, data: new Uint8Array() })).toThrow(/uid of x/);
  });
});

describe("planCpio", () => {
  const tree: TreeEntry[] = [
    { path: "/init", type: "file", mode: 0o755, uid: 0, gid: 0, content: text("#!/bin/sh\n") },
    { path: "/dev/console", type: "char", mode: 0o600, uid: 0, gid: 0, major: 5, minor: 1 },
    { path: "/bin/busybox", type: "file", mode: 0o755, uid: 0, gid: 0, content: text("BB") },
    { path: "/bin/sh", type: "symlink", mode: 0o777, uid: 0, gid: 0, target: "busybox" },
    { path: "/bin/ash", type: "hardlink", mode: 0o777, uid: 0, gid: 0, target: "/bin/busybox" },
    { path: "/etc/x", type: "file", mode: 0o4750, uid: 1, gid: 2, content: text("x") },
  ];

  it("sorts, adds parents, numbers inodes in order and counts links", () => {
    const records = planCpio(tree, { mtime: 0 });
    expect(records.map((r) => r.name)).toEqual(["bin", "bin/ash", "bin/busybox", "bin/sh", "dev", "dev/console", "etc", "etc/x", "init"]);
    const by = Object.fromEntries(records.map((r) => [r.name, r]));
    expect(by["bin"]!.mode).toBe(0o40755);
    expect(by["bin"]!.nlink).toBe(2);
    // hardlink group: one inode, nlink 2, content only on the last member
    expect(by["bin/ash"]!.ino).toBe(by["bin/busybox"]!.ino);
    expect(by["bin/ash"]!.nlink).toBe(2);
    expect(by["bin/ash"]!.data.length).toBe(0);
    expect(ascii(by["bin/busybox"]!.data)).toBe("BB");
    expect(by["bin/ash"]!.mode).toBe(0o100755);
    expect(by["bin/sh"]!.mode).toBe(0o120777);
    expect(ascii(by["bin/sh"]!.data)).toBe("busybox");
    expect(by["dev/console"]!.mode).toBe(0o20600);
    expect([by["dev/console"]!.rdevMajor, by["dev/console"]!.rdevMinor]).toEqual([5, 1]);
    expect(by["etc/x"]!.mode).toBe(0o104750);
    expect(records.map((r) => r.ino)).toEqual([0, 1, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("counts subdirectories in a directory's link count", () => {
    const records = planCpio([{ path: "/a/b/c", type: "dir", mode: 0o700, uid: 0, gid: 0 }, { path: "/a/d", type: "dir", mode: 0o755, uid: 0, gid: 0 }, { path: "/", type: "dir", mode: 0o755, uid: 0, gid: 0 }], { mtime: 0 });
    expect(records.map((r) => [r.name, r.nlink])).toEqual([[".", 3], ["a", 4], ["a/b", 3], ["a/b/c", 2], ["a/d", 2]]);
  });

  // The writer reads no environment: a build passes its run's epoch, a script sourceDateEpoch().
  it("stamps every record with the given mtime, 0 by default, whatever SOURCE_DATE_EPOCH says", () => {
    const old = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = "1700000000";
    try {
      expect(new Set(planCpio(tree).map((r) => r.mtime))).toEqual(new Set([0]));
      expect(new Set(planCpio(tree, { mtime: 1234 }).map((r) => r.mtime))).toEqual(new Set([1234]));
    } finally {
      if (old === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = old;
    }
  });

  it("rejects duplicates, bad paths, dangling hardlinks and files used as directories", () => {
    const f: TreeEntry = { path: "/a", type: "file", mode: 0o644, uid: 0, gid: 0, content: text("") };
    expect(() => planCpio([f, f])).toThrow(/duplicate entry \/a/);
    expect(() => planCpio([{ ...f, path: "a" }])).toThrow(/normalised absolute path/);
    expect(() => planCpio([{ ...f, path: "/a/../b" }])).toThrow(/normalised absolute path/);
    expect(() => planCpio([{ ...f, path: "/l", type: "hardlink", target: "/nope" }])).toThrow(/hardlink \/l/);
    expect(() => planCpio([f, { ...f, path: "/a/b" }])).toThrow(/inside \/a, which is a file/);
    // The types rule this out; JavaScript callers and parsed JSON can still get it wrong.
    expect(() => planCpio([{ path: "/c", type: "char", mode: 0o600, uid: 0, gid: 0 } as unknown as TreeEntry])).toThrow(/major and minor/);
    expect(() => planCpio([f, f])).toThrow(expect.objectContaining({ name: "NotosError", code: "CPIO_TREE" }));
  });
});

describe("cpioBytes", () => {
  it("encodes data padded to 4 bytes and ends with the TRAILER!!! record", () => {
    const bytes = cpioBytes([{ path: "/f", type: "file", mode: 0o644, uid: 0, gid: 0, content: text("hello") }], { mtime: 0 });
    const records = parse(bytes);
    expect(records.map((r) => r.name)).toEqual(["f", "TRAILER!!!"]);
    expect(records[0]!.data).toBe("hello");
    expect(records[1]!.fields).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 11, 0]);
    expect(bytes.length % 4).toBe(0);
  });

  it("gives identical bytes for the same entries in any input order", () => {
    const a: TreeEntry[] = [
      { path: "/z", type: "file", mode: 0o644, uid: 0, gid: 0, content: text("z") },
      { path: "/a/b", type: "symlink", mode: 0o777, uid: 0, gid: 0, target: "../z" },
    ];
    expect(Buffer.from(cpioBytes(a, { mtime: 5 })).equals(Buffer.from(cpioBytes([...a].reverse(), { mtime: 5 })))).toBe(true);
  });
});
