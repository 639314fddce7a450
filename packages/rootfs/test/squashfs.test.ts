// The tar → sqfstar path against the real tools: what unsquashfs lists is
// what the kernel will see.
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TreeEntry } from "@notos/core/tree";
import { sqfstarArguments, writeSquashfs } from "../src/squashfs.js";
import { RootfsError } from "../src/errors.js";
import { chardev, dir, file, symlink } from "./helpers.js";
import { describe as show, listImage } from "./unsquashfs.js";

const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

const longDir = "/usr/share/" + "d".repeat(90);
const tree: TreeEntry[] = [
  dir("/dev"),
  { path: "/dev/loop0", type: "block", mode: 0o660, uid: 0, gid: 6, major: 7, minor: 0 },
  chardev("/dev/null", 1, 3),
  { path: "/dev/pipe", type: "fifo", mode: 0o600, uid: 0, gid: 0 },
  dir("/etc"),
  file("/etc/shadow", "root:*:19000:0:99999:7:::\n", 0o640, 0, 42),
  file("/etc/unreadable", "secret", 0o000),
  dir("/tmp", 0o1777),
  dir("/home"),
  dir("/home/user", 0o700, 1000, 1000),
  file("/home/user/.profile", "PS1='$ '\n", 0o644, 1000, 1000),
  dir("/usr"),
  dir("/usr/bin"),
  file("/usr/bin/su", "\x7fELF su", 0o4755),
  file("/usr/bin/wall", "\x7fELF wall", 0o2755, 0, 5),
  symlink("/usr/bin/sh", "dash"),
  dir("/usr/share"),
  dir(longDir),
  file(`${longDir}/${"f".repeat(80)}`, "long"),
  file("/usr/share/gr\u00fc\u00dfe", "utf-8 name"),
  symlink("/usr/share/far", "/" + "t".repeat(99)),
  symlink("/bin", "usr/bin"),
];

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(join(tmpdir(), "rootfs-squashfs-"));
  // The unprivileged sqfstar writes here too.
  await fs.chmod(work, 0o777);
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe("writeSquashfs", () => {
  it("writes the configured block size into the image", async () => {
    const image = join(work, "b.squashfs");
    await writeSquashfs(tree, image, { compression: "xz", epoch: 0, blockSize: "1M" });
    const { execa } = await import("execa");
    expect((await execa("unsquashfs", ["-s", image])).stdout).toMatch(/Block size 1048576/);
    expect((await listImage(image)).size).toBe(tree.length + 1);
    expect(sqfstarArguments("o", { compression: "zstd", epoch: 0 })).not.toContain("-b");
  });

  it("keeps owners, modes, setuid/setgid/sticky bits, devices, fifos, symlinks, long and UTF-8 names", async () => {
    const image = join(work, "a.squashfs");
    await writeSquashfs(tree, image, { compression: "xz", epoch: 0 });
    const listed = await listImage(image);
    expect(show(listed.get("/"))).toBe("drwxr-xr-x 0/0");
    expect(show(listed.get("/dev/null"))).toBe("crw-rw-rw- 0/0");
    expect(listed.get("/dev/null")?.size).toBe("1,3");
    expect(show(listed.get("/dev/loop0"))).toBe("brw-rw---- 0/6");
    expect(listed.get("/dev/loop0")?.size).toBe("7,0");
    expect(show(listed.get("/dev/pipe"))).toBe("prw------- 0/0");
    expect(show(listed.get("/etc/shadow"))).toBe("-rw-r----- 0/42");
    expect(show(listed.get("/etc/unreadable"))).toBe("---------- 0/0");
    expect(show(listed.get("/tmp"))).toBe("drwxrwxrwt 0/0");
    expect(show(listed.get("/home/user"))).toBe("drwx------ 1000/1000");
    expect(show(listed.get("/home/user/.profile"))).toBe("-rw-r--r-- 1000/1000");
    expect(show(listed.get("/usr/bin/su"))).toBe("-rwsr-xr-x 0/0");
    expect(show(listed.get("/usr/bin/wall"))).toBe("-rwxr-sr-x 0/5");
    expect(show(listed.get("/usr/bin/sh"))).toBe("lrwxrwxrwx 0/0 -> dash");
    expect(show(listed.get("/bin"))).toBe("lrwxrwxrwx 0/0 -> usr/bin");
    expect(show(listed.get(`${longDir}/${"f".repeat(80)}`))).toBe("-rw-r--r-- 0/0");
    expect(show(listed.get("/usr/share/gr\u00fc\u00dfe"))).toBe("-rw-r--r-- 0/0");
    expect(listed.get("/usr/share/far")?.target).toBe("/" + "t".repeat(99));
    expect(listed.size).toBe(tree.length + 1);
  });

  it("gives identical bytes for the same tree, with any number of threads and with SOURCE_DATE_EPOCH set", async () => {
    const a = join(work, "r1.squashfs");
    const b = join(work, "r2.squashfs");
    await writeSquashfs(tree, a, { compression: "zstd", epoch: 1700000000 });
    const before = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = "5";
    try {
      await writeSquashfs(tree, b, { compression: "zstd", epoch: 1700000000, processors: 1 });
    } finally {
      if (before === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = before;
    }
    expect(Buffer.compare(await fs.readFile(a), await fs.readFile(b))).toBe(0);
    const listed = await listImage(a);
    expect((await import("node:child_process")).execFileSync("unsquashfs", ["-lln", a]).toString()).toContain("2023-11-14 22:13");
    expect(listed.get("/etc/shadow")).toBeDefined();
    // A different epoch is a different image: the times really are in it.
    const c = join(work, "r3.squashfs");
    await writeSquashfs(tree, c, { compression: "zstd", epoch: 0 });
    expect(Buffer.compare(await fs.readFile(a), await fs.readFile(c))).not.toBe(0);
  });

  it("runs unprivileged: sqfstar as nobody still writes root-owned, setuid and device entries, byte-identical", async () => {
    const asRoot = join(work, "root.squashfs");
    const asNobody = join(work, "nobody.squashfs");
    await writeSquashfs(tree, asRoot, { compression: "xz", epoch: 0 });
    await writeSquashfs(tree, asNobody, { compression: "xz", epoch: 0, runAs: NOBODY });
    expect((await fs.stat(asNobody)).uid).toBe(65534);
    const listed = await listImage(asNobody);
    expect(show(listed.get("/usr/bin/su"))).toBe("-rwsr-xr-x 0/0");
    expect(show(listed.get("/dev/null"))).toBe("crw-rw-rw- 0/0");
    expect(show(listed.get("/etc/shadow"))).toBe("-rw-r----- 0/42");
    // sqfstar 4.5.1 ignores -root-uid: without the user namespace the root would be nobody's.
    expect(show(listed.get("/"))).toBe("drwxr-xr-x 0/0");
    expect(Buffer.compare(await fs.readFile(asRoot), await fs.readFile(asNobody))).toBe(0);
  });

  it("fails clearly and leaves no file when sqfstar fails", async () => {
    const image = join(work, "bad.squashfs");
    // A path below a file: sqfstar rejects the stream.
    const broken = [file("/a", "x"), file("/a/b", "y")];
    await expect(writeSquashfs(broken, image, { compression: "xz", epoch: 0 })).rejects.toThrow(RootfsError);
    await expect(fs.stat(image)).rejects.toThrow(/ENOENT/);
    await expect(writeSquashfs(tree, image, { compression: "xz", epoch: 0, runAs: ["/nonexistent/runner"] })).rejects.toThrow(/sqfstar failed/);
    // sqfstar gone before the stream ends (a rejected option, say): the
    // writes into its closed stdin fail, and that is this error, not an
    // uncaught EPIPE that ends the process (Vitest fails a run that has one).
    const many = Array.from({ length: 3000 }, (_, i) => file(`/f${String(i).padStart(5, "0")}`, "y".repeat(20_000)));
    for (const delay of ["0", "0.05", "0.2"]) {
      await expect(writeSquashfs(many, image, { compression: "xz", epoch: 0, runAs: ["sh", "-c", `head -c 100000 >/dev/null; sleep ${delay}; exit 1`, "sh"] })).rejects.toThrow(/sqfstar failed \(exit 1\)/);
    }
    await expect(writeSquashfs(tree, image, { compression: "xz", epoch: -1 })).rejects.toThrow(/32-bit/);
    // sqfstar 4.5.1 would turn a pax linkpath "/long…" into "long…": refused, not mangled.
    await expect(writeSquashfs([symlink("/x", "/" + "t".repeat(150))], image, { compression: "xz", epoch: 0 })).rejects.toThrow(/longer than 100 bytes/);
    await expect(fs.stat(image)).rejects.toThrow(/ENOENT/);
  });
});
