import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { NotosError } from "@notos/core";
import { cpioBytes, readCpio, type TimedEntry } from "../src/index.js";

const text = (s: string) => new TextEncoder().encode(s);
const ascii = (s: string) => Buffer.from(s, "latin1");

// Every kind of entry, with every parent given, so the archive holds exactly these.
const tree = (mtime: number): TimedEntry[] => [
  { path: "/", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime },
  { path: "/bin", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime },
  { path: "/bin/ash", type: "file", mode: 0o755, uid: 0, gid: 0, mtime, content: text("BUSYBOX") },
  { path: "/bin/busybox", type: "hardlink", mode: 0o755, uid: 0, gid: 0, mtime, target: "/bin/ash" },
  { path: "/bin/sh", type: "symlink", mode: 0o777, uid: 0, gid: 0, mtime, target: "busybox" },
  { path: "/dev", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime },
  { path: "/dev/console", type: "char", mode: 0o600, uid: 0, gid: 5, mtime, major: 5, minor: 1 },
  { path: "/dev/vda", type: "block", mode: 0o660, uid: 0, gid: 6, mtime, major: 254, minor: 0 },
  { path: "/empty", type: "file", mode: 0o644, uid: 0, gid: 0, mtime, content: new Uint8Array() },
  { path: "/home", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime },
  { path: "/home/u", type: "dir", mode: 0o700, uid: 1000, gid: 1000, mtime },
  { path: "/home/u/é ü", type: "file", mode: 0o4750, uid: 1000, gid: 1000, mtime, content: text("unicode name, setuid") },
  { path: "/init", type: "file", mode: 0o755, uid: 0, gid: 0, mtime, content: text("#!/bin/sh\necho hi\n") },
  { path: "/run", type: "dir", mode: 0o1777, uid: 0, gid: 0, mtime },
  { path: "/run/fifo", type: "fifo", mode: 0o644, uid: 0, gid: 0, mtime },
];

async function error(promise: Promise<unknown>): Promise<NotosError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof NotosError) return e;
    throw e;
  }
  throw new Error("expected a NotosError");
}

/** A newc header with the given fields (hex, 8 digits each) and a name, as the writer would lay it out. */
function header(name: string, fields: Partial<Record<"mode" | "filesize" | "namesize" | "ino" | "nlink" | "check", number>> = {}, magic = "070701"): Buffer {
  const namesize = fields.namesize ?? Buffer.byteLength(name) + 1;
  const values = [fields.ino ?? 1, fields.mode ?? 0o100644, 0, 0, fields.nlink ?? 1, 0, fields.filesize ?? 0, 0, 0, 0, 0, namesize, fields.check ?? 0];
  const head = Buffer.concat([ascii(magic + values.map((v) => v.toString(16).toUpperCase().padStart(8, "0")).join("")), Buffer.from(name), Buffer.alloc(1)]);
  return Buffer.concat([head, Buffer.alloc((4 - (head.length % 4)) % 4)]);
}
const trailer = () => header("TRAILER!!!");
const padded = (data: string) => Buffer.concat([Buffer.from(data), Buffer.alloc((4 - (data.length % 4)) % 4)]);

describe("readCpio", () => {
  it("reads back what the writer wrote: types, modes, owners, mtime, content, targets, devices, hard links", async () => {
    const bytes = cpioBytes(tree(0), { mtime: 1_700_000_000 });
    expect(await readCpio(bytes)).toEqual(tree(1_700_000_000));
  });

  it("gives entries that write the same bytes again, wherever a hard link's content sat", async () => {
    // Here the file sorts after its link: the archive puts the content on the last member.
    const entries = tree(0).map((e): TimedEntry =>
      e.path === "/bin/ash"
        ? { path: e.path, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, type: "hardlink", target: "/bin/busybox" }
        : e.path === "/bin/busybox"
          ? { path: e.path, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, type: "file", content: text("BUSYBOX") }
          : e,
    );
    const bytes = Buffer.from(cpioBytes(entries, { mtime: 7 }));
    const read = await readCpio(bytes);
    // The first member of the group is the file, as for any archive.
    expect(read.find((e) => e.path === "/bin/ash")).toMatchObject({ type: "file", content: text("BUSYBOX") });
    expect(read.find((e) => e.path === "/bin/busybox")).toMatchObject({ type: "hardlink", target: "/bin/ash" });
    expect(Buffer.from(cpioBytes(read, { mtime: 7 })).equals(bytes)).toBe(true);
  });

  it("reads the same entries from chunks of any size, sync or async", async () => {
    const bytes = Buffer.from(cpioBytes(tree(0), { mtime: 3 }));
    const chunks = (size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
    for (const size of [1, 3, 110, 113, 4096]) {
      expect(await readCpio(chunks(size))).toEqual(tree(3));
      expect(await readCpio(Readable.from(chunks(size)))).toEqual(tree(3));
    }
  });

  it("reads concatenated archives, with zero padding, a later entry replacing an earlier one", async () => {
    const first = cpioBytes([{ path: "/a", type: "file", mode: 0o644, uid: 0, gid: 0, content: text("old") }, { path: "/b", type: "dir", mode: 0o755, uid: 0, gid: 0 }]);
    const second = cpioBytes([{ path: "/a", type: "file", mode: 0o600, uid: 0, gid: 0, content: text("new") }]);
    const read = await readCpio(Buffer.concat([first, Buffer.alloc(512 - (first.length % 512)), second, Buffer.alloc(8)]));
    expect(read.map((e) => [e.path, e.type, e.mode, e.type === "file" ? Buffer.from(e.content).toString() : undefined])).toEqual([
      ["/a", "file", 0o600, "new"],
      ["/b", "dir", 0o755, undefined],
    ]);
  });

  it("takes names with a leading ./ or /, and checks 070702 checksums", async () => {
    const data = "hello";
    const sum = [...Buffer.from(data)].reduce((a, b) => a + b, 0);
    const archive = (check: number) =>
      Buffer.concat([header(".", { mode: 0o40755 }, "070702"), header("./x", { filesize: 5, check }, "070702"), padded(data), header("/y", { mode: 0o40700 }, "070702"), header("TRAILER!!!", {}, "070702")]);
    expect((await readCpio(archive(sum))).map((e) => [e.path, e.type])).toEqual([
      ["/", "dir"],
      ["/x", "file"],
      ["/y", "dir"],
    ]);
    expect((await error(readCpio(archive(sum + 1)))).message).toMatch(/"\.\/x" does not match its checksum/);
  });

  describe("refuses malformed input with a NotosError that says where", () => {
    const good = Buffer.from(cpioBytes([{ path: "/f", type: "file", mode: 0o644, uid: 0, gid: 0, content: text("hello") }]));
    const cases: [string, Buffer, RegExp][] = [
      ["empty input", Buffer.alloc(0), /the input is empty/],
      ["bad magic", Buffer.concat([ascii("070707"), good.subarray(6)]), /bad magic "070707" at offset 0 \(an old cpio format/],
      ["gzip instead of cpio", Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]), /bad magic/],
      ["a truncated header", good.subarray(0, 50), /truncated header at offset 0: 104 bytes needed at offset 6, 44 left/],
      ["a truncated name", good.subarray(0, 111), /truncated name of the entry at offset 0/],
      ["truncated data", good.subarray(0, 114), /truncated data of "f": 5 bytes needed at offset 112, 2 left/],
      ["no trailer", good.subarray(0, 120), /truncated header at offset 120: 6 bytes needed at offset 120, 0 left/],
      ["a non-hex field", Buffer.concat([good.subarray(0, 54), ascii("0000000G"), good.subarray(62)]), /the filesize field of the header at offset 0 is not 8 hex digits: "0000000G"/],
      ["a name without NUL", Buffer.concat([header("ab", { namesize: 2 }).subarray(0, 112), ascii("xx"), trailer()]), /name of the entry at offset 0 does not end in a NUL byte/],
      ["a NUL inside a name", Buffer.concat([header("a\0b"), trailer()]), /has a NUL byte before its end/],
      ["an empty name", Buffer.concat([header("", { namesize: 1 }), trailer()]), /has an empty name/],
      ["a name longer than PATH_MAX", Buffer.concat([header("x".repeat(5000)), trailer()]), /longer than PATH_MAX/],
      ["a name with ..", Buffer.concat([header("a/../../etc/passwd"), trailer()]), /"a\/\.\.\/\.\.\/etc\/passwd" .* is not a normalised path/],
      ["a symlink without target", Buffer.concat([header("l", { mode: 0o120777 }), trailer()]), /the symlink "l" has no target/],
      ["garbage after the trailer", Buffer.concat([good, ascii("junk!!")]), /bad magic "junk!!" at offset 244/],
      ["a misaligned second archive", Buffer.concat([good, Buffer.alloc(1), good]), /offset \d+, which is not a multiple of 4/],
    ];
    it.each(cases)("%s", async (_, input, message) => {
      const e = await error(readCpio(input));
      expect(e.code).toBe("CPIO_MALFORMED");
      expect(e.message).toMatch(message);
      expect(e.hint).toMatch(/newc/);
    });

    it("a socket is refused as unsupported, not as malformed", async () => {
      const e = await error(readCpio(Buffer.concat([header("s", { mode: 0o140755 }), trailer()])));
      expect([e.code, e.message]).toEqual(["CPIO_UNSUPPORTED", 'cpio: "s" is a socket, which a notos tree cannot hold']);
    });
  });

  // Damaged archives must end in an answer: entries or a NotosError, never another exception or a hang.
  it("survives 200 truncations and bit flips of a valid archive", async () => {
    const valid = Buffer.from(cpioBytes(tree(0), { mtime: 1 }));
    let seed = 0x2545f491;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const outcomes = { parsed: 0, refused: 0 };
    for (let i = 0; i < 200; i++) {
      let input: Buffer;
      if (i % 3 === 0) input = valid.subarray(0, random(valid.length));
      else {
        input = Buffer.from(valid);
        for (let flips = 1 + random(3); flips > 0; flips--) input[random(input.length)]! ^= 1 << random(8);
      }
      const chunked = i % 2 === 0 ? input : Readable.from(Array.from({ length: Math.ceil(input.length / 37) }, (_, k) => input.subarray(k * 37, (k + 1) * 37)));
      try {
        await readCpio(chunked);
        outcomes.parsed++;
      } catch (e) {
        if (!(e instanceof NotosError)) throw new Error(`case ${i}: ${String(e)}`, { cause: e });
        outcomes.refused++;
      }
    }
    // Both outcomes occur: a flip in a name or in content still parses.
    expect(outcomes.parsed).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
