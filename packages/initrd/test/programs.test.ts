// boot.initrd.programs on the real Debian archive: dmsetup goes into the
// initrd with its interpreter and library closure, and runs there (chroot
// into the unpacked archive, where nothing of the host is reachable); a
// library the packages lack is named in the error, with the program; no
// programs leave the archive as it was.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { realise } from "@notos/core";
import { readCpio } from "@notos/cpio";
import { readDebData } from "@notos/debian/deb";
import { initrd, type InitrdArtifact } from "../src/index.js";
import { elfDependencies } from "@notos/core/elf";
import { programClosure, type PackageFile } from "../src/programs.js";
import { bootOptions, realiseOptions, testContext, type TestOptions } from "./context.js";

const dmsetup = { package: "dmsetup", path: "/usr/sbin/dmsetup" };
const options = (programs: (typeof dmsetup)[]) =>
  ({ boot: { ...bootOptions.boot, initrd: { ...bootOptions.boot.initrd, compression: "none", programs } } }) satisfies TestOptions;

describe("programs in the initrd", () => {
  it("puts dmsetup in with its libraries, and it runs in the unpacked initrd", async () => {
    const ctx = testContext(options([dmsetup]));
    const artifact = (await realise(initrd, realiseOptions(ctx))) as InitrdArtifact;
    const members = await readCpio(await readFile(artifact.file));
    const files = members.filter((m) => m.type === "file");
    const paths = files.map((m) => m.path);
    expect(paths).toContain("/usr/sbin/dmsetup");
    expect(paths).toContain("/lib64/ld-linux-x86-64.so.2");
    expect(paths).toContain("/usr/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1");
    expect(paths).toContain("/usr/lib/x86_64-linux-gnu/libc.so.6");
    // Every DT_NEEDED of every ELF file put in is itself in the archive.
    for (const f of files.filter((m) => m.path.startsWith("/usr/lib/") || m.path === "/usr/sbin/dmsetup")) {
      for (const soname of elfDependencies(f.content!, f.path).needed) expect(paths, `${soname} of ${f.path}`).toContain(`/usr/lib/x86_64-linux-gnu/${soname}`);
    }
    const root = mkdtempSync(join(tmpdir(), "notos-initrd-programs-"));
    for (const m of members) {
      const to = join(root, m.path);
      if (m.type === "dir") mkdirSync(to, { recursive: true });
      else if (m.type === "file") {
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, m.content!);
        chmodSync(to, m.mode & 0o7777);
      }
    }
    // The initrd has no libraries but these: the program runs only if the closure is whole.
    // (It says on stderr that this host has no device-mapper driver to talk to; the library version is its own.)
    const out = execFileSync("chroot", [root, dmsetup.path, "--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(out).toMatch(/^Library version:\s+1\.02\./m);
  }, 600_000);

  it("names the missing library and the program when the packages lack it", async () => {
    const ctx = testContext(options([dmsetup]));
    const source = realiseOptions(ctx).packages;
    const debs = await source.fetch({ name: "initrd-programs", roots: ["dmsetup"], dependencies: "all" });
    const files: PackageFile[] = [];
    for (const deb of debs) {
      if (deb.name.startsWith("libdevmapper")) continue;
      for await (const e of readDebData(deb.file)) {
        if (e.type === "file") files.push({ package: deb.name, path: e.path, type: "file", content: e.content });
        else if (e.type === "symlink") files.push({ package: deb.name, path: e.path, type: "symlink", target: e.target });
      }
    }
    expect(() => programClosure({ programs: [dmsetup], files })).toThrow(/the library libdevmapper\.so\.1\.02\.1, needed by \/usr\/sbin\/dmsetup for \/usr\/sbin\/dmsetup, is in none of the packages/);
    expect(() => programClosure({ programs: [{ package: "libc6", path: "/usr/sbin/dmsetup" }], files })).toThrow(/the package libc6 has no \/usr\/sbin\/dmsetup/);
    // The closure is the same whatever order the packages come in.
    const once = programClosure({ programs: [dmsetup], files: [...files, { package: "x", path: "/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1", type: "symlink", target: "libc.so.6" }] });
    const reversed = programClosure({ programs: [dmsetup], files: [...files].reverse().concat({ package: "x", path: "/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1", type: "symlink", target: "libc.so.6" }) });
    expect(reversed.map((f) => f.path)).toEqual(once.map((f) => f.path));
  }, 600_000);

  it("adds no library and no interpreter without programs", async () => {
    const base = (await realise(initrd, realiseOptions(testContext(options([]))))) as InitrdArtifact;
    const members = await readCpio(await readFile(base.file));
    expect(members.some((m) => m.path.startsWith("/usr/lib/x86_64-linux-gnu/"))).toBe(false);
    expect(members.some((m) => m.path === "/lib64/ld-linux-x86-64.so.2")).toBe(false);
  }, 600_000);
});

describe("the ELF reader", () => {
  it("refuses what is not a 64-bit little-endian ELF file, naming it", () => {
    expect(() => elfDependencies(new TextEncoder().encode("#!/bin/sh\necho hi\n"), "/usr/bin/script")).toThrow(/\/usr\/bin\/script is not an ELF file/);
    const elf32 = new Uint8Array(64);
    elf32.set([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    expect(() => elfDependencies(elf32, "/usr/bin/i386")).toThrow(/\/usr\/bin\/i386 is not a 64-bit little-endian ELF file \(class 1, data 1\)/);
    // Program headers past the end of the file.
    const cut = new Uint8Array(64);
    cut.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
    new DataView(cut.buffer).setBigUint64(0x20, 64n, true);
    new DataView(cut.buffer).setUint16(0x36, 56, true);
    new DataView(cut.buffer).setUint16(0x38, 3, true);
    expect(() => elfDependencies(cut, "/usr/bin/cut")).toThrow(/program headers run past the end/);
    // No program headers: a static file with no interpreter and no libraries.
    const bare = new Uint8Array(64);
    bare.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
    expect(elfDependencies(bare, "/usr/bin/bare")).toEqual({ needed: [] });
  });
});
