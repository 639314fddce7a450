// The tar → mksquashfs -tar path against the real tools: what unsquashfs
// lists is what the kernel will see. sqfstar, which packed the root before,
// is the reference the default bytes are held to.
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TreeEntry } from "@notos/core/tree";
import { execa } from "execa";
import { mksquashfsArguments, writeSquashfs, type SquashfsOptions } from "../src/squashfs.js";
import { tarStream } from "../src/tar.js";
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

/**
 * The tree with data that fills blocks and fragments: 1.1 MB of text
 * drawn from a small vocabulary by a fixed generator, which compresses
 * differently at each level (the entries alone would fit in one block).
 */
const packed: TreeEntry[] = [...tree, file("/usr/share/words", words(1_100_000)), file("/usr/share/tail", words(70_000))];

function words(length: number): string {
  const vocabulary = ["root", "squashfs", "block", "level", "zstd", "tar", "inode", "fragment", "kernel", "stage", "mount", "overlay", "\n"];
  let seed = length;
  let text = "";
  while (text.length < length) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    text += vocabulary[seed % vocabulary.length] + (seed & 256 ? " " : String(seed % 1000));
  }
  return text.slice(0, length);
}

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(join(tmpdir(), "rootfs-squashfs-"));
  // The unprivileged mksquashfs writes here too.
  await fs.chmod(work, 0o777);
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe("writeSquashfs", () => {
  it("writes the configured block size into the image", async () => {
    const image = join(work, "b.squashfs");
    await writeSquashfs(tree, image, { compression: "xz", epoch: 0, blockSize: "1M" });
    expect((await execa("unsquashfs", ["-s", image])).stdout).toMatch(/Block size 1048576/);
    expect((await listImage(image)).size).toBe(tree.length + 1);
    expect(mksquashfsArguments("o", { compression: "zstd", epoch: 0 })).not.toContain("-b");
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

  it("runs unprivileged: mksquashfs as nobody still writes root-owned, setuid and device entries, byte-identical", async () => {
    const asRoot = join(work, "root.squashfs");
    const asNobody = join(work, "nobody.squashfs");
    await writeSquashfs(tree, asRoot, { compression: "xz", epoch: 0 });
    await writeSquashfs(tree, asNobody, { compression: "xz", epoch: 0, runAs: NOBODY });
    expect((await fs.stat(asNobody)).uid).toBe(65534);
    const listed = await listImage(asNobody);
    expect(show(listed.get("/usr/bin/su"))).toBe("-rwsr-xr-x 0/0");
    expect(show(listed.get("/dev/null"))).toBe("crw-rw-rw- 0/0");
    expect(show(listed.get("/etc/shadow"))).toBe("-rw-r----- 0/42");
    // squashfs-tools 4.5.1 ignores -root-uid with a tar: without the user namespace the root would be nobody's.
    expect(show(listed.get("/"))).toBe("drwxr-xr-x 0/0");
    expect(Buffer.compare(await fs.readFile(asRoot), await fs.readFile(asNobody))).toBe(0);
  });

  it("fails clearly and leaves no file when mksquashfs fails", async () => {
    const image = join(work, "bad.squashfs");
    // A path below a file: mksquashfs rejects the stream.
    const broken = [file("/a", "x"), file("/a/b", "y")];
    await expect(writeSquashfs(broken, image, { compression: "xz", epoch: 0 })).rejects.toThrow(RootfsError);
    await expect(fs.stat(image)).rejects.toThrow(/ENOENT/);
    await expect(writeSquashfs(tree, image, { compression: "xz", epoch: 0, runAs: ["/nonexistent/runner"] })).rejects.toThrow(/mksquashfs failed/);
    // mksquashfs gone before the stream ends (a rejected option, say): the
    // writes into its closed stdin fail, and that is this error, not an
    // uncaught EPIPE that ends the process (Vitest fails a run that has one).
    const many = Array.from({ length: 3000 }, (_, i) => file(`/f${String(i).padStart(5, "0")}`, "y".repeat(20_000)));
    for (const delay of ["0", "0.05", "0.2"]) {
      await expect(writeSquashfs(many, image, { compression: "xz", epoch: 0, runAs: ["sh", "-c", `head -c 100000 >/dev/null; sleep ${delay}; exit 1`, "sh"] })).rejects.toThrow(/mksquashfs failed \(exit 1\)/);
    }
    await expect(writeSquashfs(tree, image, { compression: "xz", epoch: -1 })).rejects.toThrow(/32-bit/);
    // squashfs-tools 4.5.1 would turn a pax linkpath "/long…" into "long…": refused, not mangled.
    await expect(writeSquashfs([symlink("/x", "/" + "t".repeat(150))], image, { compression: "xz", epoch: 0 })).rejects.toThrow(/longer than 100 bytes/);
    await expect(fs.stat(image)).rejects.toThrow(/ENOENT/);
  });

  it("writes the bytes sqfstar wrote, for each compressor and block size", async () => {
    for (const options of [{ compression: "zstd", blockSize: "1M" }, { compression: "xz" }, { compression: "gzip", blockSize: "256K" }] as const) {
      const ours = join(work, "ours.squashfs");
      const theirs = join(work, "sqfstar.squashfs");
      await writeSquashfs(packed, ours, { ...options, epoch: 1700000000 });
      // sqfstar's command line was ours without the source and -tar: `sqfstar [options] OUT`.
      const args = mksquashfsArguments(theirs, { ...options, epoch: 1700000000 }).filter((a) => !["-", theirs, "-tar", "-noappend"].includes(a));
      await fs.rm(theirs, { force: true });
      await execa("sqfstar", [...args, theirs], { input: await tarBytes(packed, 1700000000), env: { SOURCE_DATE_EPOCH: undefined }, extendEnv: true });
      expect(Buffer.compare(await fs.readFile(ours), await fs.readFile(theirs)), options.compression).toBe(0);
    }
  });

  it("packs at the configured compression level, and at the tool's default without one", async () => {
    const at = async (name: string, options: Partial<SquashfsOptions>) => {
      const image = join(work, `${name}.squashfs`);
      await writeSquashfs(packed, image, { compression: "zstd", epoch: 0, blockSize: "1M", ...options });
      return { image, bytes: await fs.readFile(image), super: (await execa("unsquashfs", ["-s", image])).stdout };
    };
    const unset = await at("unset", {});
    const fast = await at("z1", { compressionLevel: 1 });
    const small = await at("z19", { compressionLevel: 19 });
    expect(small.super).toMatch(/Compression zstd\s+compression-level 19/);
    expect(fast.super).toMatch(/compression-level 1\b/);
    expect(unset.super).not.toMatch(/compression-level/);
    expect(small.bytes.length).toBeLessThan(fast.bytes.length);
    // The tool stores no options at its default level: 15 is the unset image, byte for byte.
    expect(Buffer.compare((await at("z15", { compressionLevel: 15 })).bytes, unset.bytes)).toBe(0);
    // Every level reads back to the same tree.
    expect([...(await listImage(small.image)).keys()]).toEqual([...(await listImage(unset.image)).keys()]);
    const gzip = await at("g1", { compression: "gzip", compressionLevel: 1 });
    expect(gzip.super).toMatch(/Compression gzip\s+compression-level 1\b/);
  });

  it("refuses a level the compressor does not have before starting mksquashfs", async () => {
    const image = join(work, "level.squashfs");
    await fs.writeFile(image, "stale");
    await expect(writeSquashfs(tree, image, { compression: "xz", compressionLevel: 6, epoch: 0 })).rejects.toThrow(/compression level 6: xz takes no compression level/);
    await expect(writeSquashfs(tree, image, { compression: "zstd", compressionLevel: 23, epoch: 0 })).rejects.toThrow(/zstd takes a whole number from 1 to 22/);
    await expect(writeSquashfs(tree, image, { compression: "gzip", compressionLevel: 10, epoch: 0 })).rejects.toThrow(/gzip takes a whole number from 1 to 9/);
  });
});

/** The tar stream writeSquashfs sends, as bytes. */
async function tarBytes(entries: TreeEntry[], mtime: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tarStream(entries, { mtime })) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
