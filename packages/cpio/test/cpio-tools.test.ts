// The writer and the reader against the real tools: GNU cpio writes the same
// bytes for the same tree, GNU cpio and bsdtar read back what we wrote, and
// readCpio reads back what GNU cpio wrote.
import { mkdtemp, mkdir, writeFile, link, symlink, chmod, lstat, readFile, readlink, rm, utimes, lutimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TreeEntry } from "@notos/core/tree";
import { cpioBytes, readCpio, type TimedEntry } from "../src/index.js";

const text = (s: string) => new TextEncoder().encode(s);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "notos-cpio-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("against GNU cpio", () => {
  it("writes the bytes `cpio -o -H newc --reproducible -R 0:0` writes (before its 512-byte block padding)", async () => {
    // The same tree on disk and as entries.
    const root = join(dir, "tree");
    await mkdir(join(root, "a/b"), { recursive: true });
    await writeFile(join(root, "a/f"), "hello");
    await link(join(root, "a/f"), join(root, "a/g"));
    await symlink("f", join(root, "a/l"));
    await writeFile(join(root, "a/b/seven"), "1234567");
    await writeFile(join(root, "x"), "");
    await chmod(join(root, "a/b/seven"), 0o4750);
    await chmod(join(root, "x"), 0o600);
    for (const p of [".", "a", "a/b"]) await chmod(join(root, p), 0o755);
    await chmod(join(root, "a/f"), 0o644);
    const names = [".", "a", "a/b", "a/b/seven", "a/f", "a/g", "a/l", "x"];
    for (const p of [...names].reverse()) {
      await lutimes(join(root, p), 1234, 1234);
      if (p !== "a/l") await utimes(join(root, p), 1234, 1234);
    }
    const gnu = Buffer.from((await execa("cpio", ["-o", "-H", "newc", "--reproducible", "-R", "0:0"], { cwd: root, input: names.join("\n") + "\n", encoding: "buffer" })).stdout);

    const entries: TreeEntry[] = [
      { path: "/", type: "dir", mode: 0o755, uid: 0, gid: 0 },
      { path: "/a", type: "dir", mode: 0o755, uid: 0, gid: 0 },
      { path: "/a/b", type: "dir", mode: 0o755, uid: 0, gid: 0 },
      { path: "/a/b/seven", type: "file", mode: 0o4750, uid: 0, gid: 0, content: text("1234567") },
      { path: "/a/f", type: "file", mode: 0o644, uid: 0, gid: 0, content: text("hello") },
      { path: "/a/g", type: "hardlink", mode: 0o644, uid: 0, gid: 0, target: "/a/f" },
      { path: "/a/l", type: "symlink", mode: 0o777, uid: 0, gid: 0, target: "f" },
      { path: "/x", type: "file", mode: 0o600, uid: 0, gid: 0, content: new Uint8Array() },
    ];
    const ours = Buffer.from(cpioBytes(entries, { mtime: 1234 }));
    expect(gnu.length % 512).toBe(0);
    expect(gnu.subarray(0, ours.length).toString("latin1")).toBe(ours.toString("latin1"));
    expect(gnu.subarray(ours.length).every((b) => b === 0)).toBe(true);
    expect(gnu.length - ours.length).toBeLessThan(512);
  });
});

describe("GNU cpio's archives read by readCpio", () => {
  it("`cpio -o -H newc` (real inode numbers, deferred hard links, 512-byte padding) gives the tree on disk", async () => {
    const root = join(dir, "gnu-read");
    await mkdir(join(root, "a/b"), { recursive: true });
    await writeFile(join(root, "a/f"), "hello");
    await link(join(root, "a/f"), join(root, "a/g"));
    await symlink("../x", join(root, "a/l"));
    await writeFile(join(root, "a/b/seven"), "1234567");
    await writeFile(join(root, "x"), "");
    await chmod(join(root, "a/b/seven"), 0o4750);
    await chmod(join(root, "x"), 0o600);
    await chmod(join(root, "a/f"), 0o640);
    for (const p of [".", "a"]) await chmod(join(root, p), 0o755);
    await chmod(join(root, "a/b"), 0o700);
    const names = [".", "a", "a/b", "a/b/seven", "a/f", "a/g", "a/l", "x"];
    for (const p of [...names].reverse()) {
      await lutimes(join(root, p), 1000 + names.indexOf(p), 1000 + names.indexOf(p));
      if (p !== "a/l") await utimes(join(root, p), 1000 + names.indexOf(p), 1000 + names.indexOf(p));
    }
    const gnu = Buffer.from((await execa("cpio", ["-o", "-H", "newc", "-R", "0:0", "--quiet"], { cwd: root, input: names.join("\n") + "\n", encoding: "buffer" })).stdout);
    const at = (p: string) => ({ uid: 0, gid: 0, mtime: 1000 + names.indexOf(p) });
    const expected: TimedEntry[] = [
      { path: "/", type: "dir", mode: 0o755, ...at(".") },
      { path: "/a", type: "dir", mode: 0o755, ...at("a") },
      { path: "/a/b", type: "dir", mode: 0o700, ...at("a/b") },
      { path: "/a/b/seven", type: "file", mode: 0o4750, ...at("a/b/seven"), content: text("1234567") },
      // One inode: the time set last (the loop runs backwards) is a/f's.
      { path: "/a/f", type: "file", mode: 0o640, ...at("a/f"), content: text("hello") },
      { path: "/a/g", type: "hardlink", mode: 0o640, ...at("a/f"), target: "/a/f" },
      { path: "/a/l", type: "symlink", mode: 0o777, ...at("a/l"), target: "../x" },
      { path: "/x", type: "file", mode: 0o600, ...at("x"), content: new Uint8Array() },
    ];
    const read = await readCpio(gnu);
    expect([...read].sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(expected);
  });
});

describe("read back by cpio and bsdtar", () => {
  const entries: TreeEntry[] = [
    { path: "/init", type: "file", mode: 0o755, uid: 0, gid: 0, content: text("#!/bin/sh\necho hi\n") },
    { path: "/bin/busybox", type: "file", mode: 0o755, uid: 0, gid: 0, content: text("not really busybox") },
    { path: "/bin/sh", type: "symlink", mode: 0o777, uid: 0, gid: 0, target: "/bin/busybox" },
    { path: "/bin/ash", type: "hardlink", mode: 0o755, uid: 0, gid: 0, target: "/bin/busybox" },
    { path: "/dev/console", type: "char", mode: 0o600, uid: 0, gid: 0, major: 5, minor: 1 },
    { path: "/dev/vda", type: "block", mode: 0o660, uid: 0, gid: 6, major: 254, minor: 0 },
    { path: "/run/fifo", type: "fifo", mode: 0o644, uid: 0, gid: 0 },
    { path: "/home/u", type: "dir", mode: 0o700, uid: 1000, gid: 1000 },
    { path: "/home/u/é ü", type: "file", mode: 0o640, uid: 1000, gid: 1000, content: text("unicode name") },
  ];
  const bytes = () => Buffer.from(cpioBytes(entries, { mtime: 86400 * 365 }));

  it("cpio -tv lists every entry with its type, mode, owner and link target", async () => {
    const { stdout } = await execa("cpio", ["-tv", "--quiet", "--numeric-uid-gid"], { input: bytes() });
    const lines = stdout.split("\n");
    const expected: [string, string][] = [
      ["drwxr-xr-x +2 0 +0", "bin"],
      ["-rwxr-xr-x +2 0 +0 +0", "bin/ash"],
      ["-rwxr-xr-x +2 0 +0 +18", "bin/busybox"],
      ["lrwxrwxrwx +1 0 +0 +12", "bin/sh -> /bin/busybox"],
      ["drwxr-xr-x +2 0 +0", "dev"],
      ["crw------- +1 0 +0 +5, +1", "dev/console"],
      ["brw-rw---- +1 0 +6 +254, +0", "dev/vda"],
      ["drwxr-xr-x +3 0 +0", "home"],
      ["drwx------ +2 1000 +1000", "home/u"],
      ["-rw-r----- +1 1000 +1000 +12", "home/u/é ü"],
      ["-rwxr-xr-x +1 0 +0 +18", "init"],
      ["drwxr-xr-x +2 0 +0", "run"],
      ["prw-r--r-- +1 0 +0", "run/fifo"],
    ];
    expect(lines).toHaveLength(expected.length);
    expected.forEach(([attrs, name], i) => expect(lines[i]).toMatch(new RegExp(`^${attrs.replace(/([-])/g, "\\$1")} .* ${name.replace(/[/.>]/g, "\\$&")}$`)));
    expect(stdout).toMatch(/crw------- +1 0 +0 +5, +1 .* dev\/console/);
    expect(stdout).toMatch(/brw-rw---- +1 0 +6 +254, +0 .* dev\/vda/);
    expect(stdout).toMatch(/-rwxr-xr-x +2 0 +0 +18 .* bin\/busybox/);
  });

  it("bsdtar -tv agrees and sees the hardlink", async () => {
    const { stdout } = await execa("bsdtar", ["-tvnf", "-", "--numeric-owner"], { input: bytes() });
    expect(stdout).toMatch(/^-rwxr-xr-x +2 0 +0 +0 .* bin\/ash$/m);
    expect(stdout).toMatch(/^-rwxr-xr-x +2 0 +0 +18 .* bin\/busybox link to bin\/ash$/m);
    expect(stdout).toMatch(/^lrwxrwxrwx +1 0 +0 +12 .* bin\/sh -> \/bin\/busybox$/m);
    expect(stdout).toMatch(/^crw------- +1 0 +0 +5,1 .* dev\/console$/m);
    expect(stdout).toMatch(/^prw-r--r-- +1 0 +0 +0 .* run\/fifo$/m);
    expect(stdout).toMatch(/^-rw-r----- +1 1000 +1000 +12 .* home\/u\/é ü$/m);
    expect(stdout.split("\n")).toHaveLength(13);
  });

  it.runIf(process.getuid?.() === 0)("cpio -idm (as root) recreates contents, hardlinks, devices and owners", async () => {
    const out = join(dir, "extract");
    await mkdir(out);
    await execa("cpio", ["-idm", "--quiet", "--no-absolute-filenames"], { cwd: out, input: bytes() });
    expect(await readFile(join(out, "init"), "utf8")).toBe("#!/bin/sh\necho hi\n");
    expect(await readFile(join(out, "bin/ash"), "utf8")).toBe("not really busybox");
    expect((await lstat(join(out, "bin/ash"))).ino).toBe((await lstat(join(out, "bin/busybox"))).ino);
    expect(await readlink(join(out, "bin/sh"))).toBe("/bin/busybox");
    const console = await lstat(join(out, "dev/console"));
    expect(console.isCharacterDevice()).toBe(true);
    expect(console.rdev).toBe((5 << 8) | 1);
    const file = await lstat(join(out, "home/u/é ü"));
    expect([file.uid, file.gid, file.mode & 0o7777, file.mtimeMs / 1000]).toEqual([1000, 1000, 0o640, 86400 * 365]);
  });
});
