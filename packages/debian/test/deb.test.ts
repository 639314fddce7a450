import { execFileSync } from "node:child_process";
import { chmodSync, linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync, readFileSync, truncateSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, beforeAll, describe, expect, test } from "vitest";
import { readDebControl, readDebData, mergedUsrPath, normaliseDebPath, type DebControl, type DebEntry } from "../src/deb.js";
import { listArMembers } from "../src/ar.js";
import { DebianError } from "../src/errors.js";

const work = mkdtempSync(join(tmpdir(), "notos-deb-test-"));

// A package tree with every kind of entry dpkg-deb can hold.
function buildTree(): string {
  const root = join(work, "tree");
  mkdirSync(join(root, "DEBIAN"), { recursive: true });
  writeFileSync(
    join(root, "DEBIAN", "control"),
    "Package: notos-demo\nVersion: 1:2.0-1\nArchitecture: amd64\nMaintainer: Nobody <nobody@mirror.example>\nDescription: a test package\n long description\n .\n second paragraph\n",
  );
  writeFileSync(join(root, "DEBIAN", "conffiles"), "/etc/demo.conf\nremove-on-upgrade /etc/old.conf\n");
  mkdirSync(join(root, "usr", "bin"), { recursive: true });
  mkdirSync(join(root, "etc"));
  mkdirSync(join(root, "var", "lib", "demo"), { recursive: true });
  mkdirSync(join(root, "bin"));
  writeFileSync(join(root, "usr", "bin", "tool"), "#!/bin/sh\necho hi\n");
  chmodSync(join(root, "usr", "bin", "tool"), 0o4755);
  linkSync(join(root, "usr", "bin", "tool"), join(root, "usr", "bin", "tool-hard"));
  symlinkSync("tool", join(root, "usr", "bin", "link"));
  symlinkSync("/usr/bin/tool", join(root, "bin", "tool"));
  writeFileSync(join(root, "etc", "demo.conf"), "key = value\n");
  chmodSync(join(root, "etc", "demo.conf"), 0o640);
  chmodSync(join(root, "var", "lib", "demo"), 0o2775);
  writeFileSync(join(root, "usr", "bin", "empty"), "");
  return root;
}

const debs: Record<string, string> = {};

beforeAll(() => {
  const root = buildTree();
  for (const compression of ["xz", "zstd", "gzip", "none"]) {
    const out = join(work, `demo-${compression}.deb`);
    execFileSync("dpkg-deb", ["--root-owner-group", `-Z${compression}`, "--build", root, out], { stdio: "pipe" });
    debs[compression] = out;
  }
});

async function collect(file: string, options: Parameters<typeof readDebData>[1] = {}): Promise<Map<string, DebEntry>> {
  const entries = new Map<string, DebEntry>();
  for await (const entry of readDebData(file, options)) entries.set(entry.path, entry);
  return entries;
}

describe(".deb extraction", () => {
  test.each(["xz", "zstd", "gzip", "none"])("data.tar (%s): types, modes, owners, targets, content", async (compression) => {
    const entries = await collect(debs[compression]!);
    expect(entries.get("/")).toMatchObject({ type: "dir", mode: 0o755, uid: 0, gid: 0 });
    const tool = entries.get("/usr/bin/tool")!;
    expect(tool).toMatchObject({ type: "file", mode: 0o4755, uid: 0, gid: 0 });
    assert(tool.type === "file");
    expect(new TextDecoder().decode(tool.content)).toBe("#!/bin/sh\necho hi\n");
    expect(tool.mtime).toBeGreaterThan(1_600_000_000);
    expect(entries.get("/usr/bin/tool-hard")).toMatchObject({ type: "hardlink", target: "/usr/bin/tool" });
    expect(entries.get("/usr/bin/link")).toMatchObject({ type: "symlink", target: "tool", mode: 0o777 });
    expect(entries.get("/bin/tool")).toMatchObject({ type: "symlink", target: "/usr/bin/tool" });
    expect(entries.get("/etc/demo.conf")).toMatchObject({ type: "file", mode: 0o640 });
    expect(entries.get("/var/lib/demo")).toMatchObject({ type: "dir", mode: 0o2775 });
    const empty = entries.get("/usr/bin/empty")!;
    assert(empty.type === "file");
    expect(empty.content).toHaveLength(0);
    for (const path of entries.keys()) expect(path).toMatch(/^\/(?!.*\/$)(?!.*\/\.\/)/);
    expect(entries.has("/DEBIAN/control")).toBe(false);
  });

  test("control fields and conffiles", async () => {
    const control = await readDebControl(debs.xz!);
    expect(control.fields.Package).toBe("notos-demo");
    expect(control.fields.Version).toBe("1:2.0-1");
    expect(control.fields.Description).toBe("a test package\nlong description\n\nsecond paragraph");
    expect(control.conffiles).toEqual(["/etc/demo.conf", "/etc/old.conf"]);
  });

  test.each(["xz", "zstd", "gzip", "none"])("data.tar (%s) with `only`: the accepted entries, whole, and nothing else", async (compression) => {
    const asked: string[] = [];
    const only = (path: string) => {
      asked.push(path);
      return path === "/etc/demo.conf" || path === "/usr/bin/tool-hard" || path === "/usr/bin";
    };
    const entries = await collect(debs[compression]!, { only });
    const all = await collect(debs[compression]!);
    // Asked once per entry, with the paths readDebData yields.
    expect(asked.sort()).toEqual([...all.keys()].sort());
    expect([...entries.keys()].sort()).toEqual(["/etc/demo.conf", "/usr/bin", "/usr/bin/tool-hard"]);
    expect(entries.get("/etc/demo.conf")).toEqual(all.get("/etc/demo.conf"));
    const conf = entries.get("/etc/demo.conf")!;
    assert(conf.type === "file");
    expect(new TextDecoder().decode(conf.content)).toBe("key = value\n");
    // A hard link still names its target, though the target itself was left out.
    expect(entries.get("/usr/bin/tool-hard")).toEqual(all.get("/usr/bin/tool-hard"));
    expect(entries.get("/usr/bin")).toMatchObject({ type: "dir", mode: 0o755 });
  });

  test("control fields are read once per file, each caller gets its own copy, and a rewritten file is read again", async () => {
    const file = join(work, "reread.deb");
    writeFileSync(file, readFileSync(debs.gzip!));
    const [a, b] = await Promise.all([readDebControl(file), readDebControl(file)]);
    expect(a).toEqual(b);
    a.fields.Package = "changed";
    a.conffiles.push("/etc/changed");
    expect(await readDebControl(file)).toEqual(b);
    expect((await readDebControl(file)).fields.Package).toBe("notos-demo");

    const other = join(work, "other-tree");
    mkdirSync(join(other, "DEBIAN"), { recursive: true });
    writeFileSync(join(other, "DEBIAN", "control"), "Package: notos-other\nVersion: 3\nArchitecture: all\nMaintainer: Nobody <nobody@mirror.example>\nDescription: another\n");
    const built = join(work, "other.deb");
    execFileSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", other, built], { stdio: "pipe" });
    writeFileSync(file, readFileSync(built));
    expect((await readDebControl(file)).fields).toMatchObject({ Package: "notos-other", Version: "3" });
    expect((await readDebControl(file)).conffiles).toEqual([]);
  });

  test("the ar members of a .deb", async () => {
    expect((await listArMembers(debs.xz!)).map((m) => m.name)).toEqual(["debian-binary", "control.tar.xz", "data.tar.xz"]);
  });

  test("a consumer may stop early (the decompressor is stopped, no error)", async () => {
    for await (const entry of readDebData(debs.xz!)) {
      expect(entry.path).toBe("/");
      break;
    }
  });

  test("a truncated or damaged .deb is a clear error", async () => {
    const truncated = join(work, "truncated.deb");
    writeFileSync(truncated, readFileSync(debs.xz!));
    truncateSync(truncated, statSync(truncated).size - 100);
    await expect(collect(truncated)).rejects.toThrow(DebianError);
    await expect(collect(truncated)).rejects.toThrow(/truncated/);

    const corrupt = join(work, "corrupt.deb");
    const bytes = readFileSync(debs.xz!);
    const data = (await listArMembers(debs.xz!)).find((m) => m.name.startsWith("data.tar"))!;
    for (let i = data.offset + 64; i < data.offset + data.size - 64; i += 7) bytes[i] = bytes[i]! ^ 0x55;
    writeFileSync(corrupt, bytes);
    const error = await collect(corrupt).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DebianError);
    expect((error as DebianError).hint).toMatch(/fetch it again/);
    // Left-out entries still pass through the decompressor, which still finds the damage.
    await expect(collect(corrupt, { only: () => false })).rejects.toThrow(DebianError);

    const notDeb = join(work, "not.deb");
    writeFileSync(notDeb, "hello");
    await expect(collect(notDeb)).rejects.toThrow(/not an ar archive/);
  });

  test("control archives asked for together share a decompressor; a damaged one fails alone, named", async () => {
    const copies = ["one", "two", "three"].map((name) => {
      const file = join(work, `together-${name}.deb`);
      writeFileSync(file, readFileSync(debs.xz!));
      return file;
    });
    const bytes = readFileSync(copies[1]!);
    const control = (await listArMembers(copies[1]!)).find((m) => m.name === "control.tar.xz")!;
    for (let i = control.offset + 24; i < control.offset + control.size - 64; i += 5) bytes[i] = bytes[i]! ^ 0x55;
    writeFileSync(copies[1]!, bytes);
    const results = await Promise.allSettled([...copies, debs.gzip!].map((file) => readDebControl(file)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    for (const i of [0, 2, 3]) expect((results[i] as PromiseFulfilledResult<DebControl>).value.fields.Package).toBe("notos-demo");
    const error = (results[1] as PromiseRejectedResult).reason as DebianError;
    expect(error).toBeInstanceOf(DebianError);
    expect(error.message).toContain(`${copies[1]}: control.tar.xz`);
    expect(error.hint).toMatch(/fetch it again/);
  });
});

describe("paths", () => {
  test("normaliseDebPath", () => {
    expect(normaliseDebPath("./")).toBe("/");
    expect(normaliseDebPath("./usr/bin/bash")).toBe("/usr/bin/bash");
    expect(normaliseDebPath("./usr/share/doc/")).toBe("/usr/share/doc");
    expect(normaliseDebPath("usr//lib/./x")).toBe("/usr/lib/x");
  });

  test("mergedUsrPath maps the split-/usr directories and their contents onto /usr", () => {
    expect(mergedUsrPath("/bin")).toBe("/usr/bin");
    expect(mergedUsrPath("/bin/sh")).toBe("/usr/bin/sh");
    expect(mergedUsrPath("/sbin/init")).toBe("/usr/sbin/init");
    expect(mergedUsrPath("/lib/x86_64-linux-gnu/libc.so.6")).toBe("/usr/lib/x86_64-linux-gnu/libc.so.6");
    expect(mergedUsrPath("/lib64/ld-linux-x86-64.so.2")).toBe("/usr/lib64/ld-linux-x86-64.so.2");
    expect(mergedUsrPath("/lib32")).toBe("/usr/lib32");
    expect(mergedUsrPath("/libx32/x")).toBe("/usr/libx32/x");
    expect(mergedUsrPath("/library")).toBe("/library");
    expect(mergedUsrPath("/binaries/x")).toBe("/binaries/x");
    expect(mergedUsrPath("/usr/bin/bash")).toBe("/usr/bin/bash");
    expect(mergedUsrPath("/etc/passwd")).toBe("/etc/passwd");
    expect(mergedUsrPath("/")).toBe("/");
  });
});
