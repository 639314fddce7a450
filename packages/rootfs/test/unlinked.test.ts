// rootfs.packageFiles[p].unlinked: a library stays while an ELF file that
// stays links it, by file name or through a symlink's name, directly or
// through another library that stays.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TreeEntry } from "@notos/core/tree";
import { globMatcher } from "../src/glob.js";
import type { RootEntry } from "../src/tree.js";
import { dropUnlinked, neededLibraries } from "../src/unlinked.js";
import { file, symlink } from "./helpers.js";

const from = (origin: string, ...entries: TreeEntry[]): RootEntry[] => entries.map((e) => ({ ...e, origin }));
const LIB = "/usr/lib/x86_64-linux-gnu";

/** A client whose selection kept keygen alone, with the libraries its other tools linked. */
const root: RootEntry[] = [
  ...from("client", file("/usr/bin/keygen", "ELF", 0o755)),
  ...from("ssl", file(`${LIB}/libcrypto.so.3`, "ELF")),
  ...from("edit", file(`${LIB}/libedit.so.2.0.70`, "ELF"), symlink(`${LIB}/libedit.so.2`, "libedit.so.2.0.70")),
  ...from("bsd", file(`${LIB}/libbsd.so.0.11.7`, "ELF"), symlink(`${LIB}/libbsd.so.0`, "libbsd.so.0.11.7"), symlink("/usr/lib/libbsd.so.0", "x86_64-linux-gnu/libbsd.so.0")),
  // A link through the root's /lib link, as /usr/lib64/ld-linux-x86-64.so.2 is.
  ...from("edit", symlink("/usr/lib64/libedit.so", "/lib/x86_64-linux-gnu/libedit.so.2")),
  ...from("skeleton", symlink("/lib", "usr/lib")),
];
const linking: Record<string, string[]> = {
  "/usr/bin/keygen": ["libcrypto.so.3", "libc.so.6"],
  [`${LIB}/libedit.so.2.0.70`]: ["libbsd.so.0"],
  "/usr/bin/sftp": ["libedit.so.2"],
};
const needed = (e: RootEntry) => linking[e.path] ?? [];
const candidates = new Map([
  ["ssl", globMatcher([`${LIB}/libcrypto.so.*`])],
  ["edit", globMatcher(["/usr/lib/*/libedit.so.*"])],
  ["bsd", globMatcher(["/usr/lib/*/libbsd.so.*"])],
]);
const paths = (entries: readonly RootEntry[]) => entries.map((e) => e.path);

describe("libraries that stay only while linked", () => {
  it("leaves out what nothing links, what only those linked, and the symlinks that end at them", () => {
    const { entries, leftOut } = dropUnlinked(root, candidates, needed);
    expect(paths(entries)).toEqual(["/usr/bin/keygen", `${LIB}/libcrypto.so.3`, "/lib"]);
    expect(paths(leftOut)).toEqual([`${LIB}/libedit.so.2.0.70`, `${LIB}/libedit.so.2`, `${LIB}/libbsd.so.0.11.7`, `${LIB}/libbsd.so.0`, "/usr/lib/libbsd.so.0", "/usr/lib64/libedit.so"]);
  });

  it("keeps a library a program links by its soname, and what that library links, through a chain of links", () => {
    const withSftp = [...root, ...from("client", file("/usr/bin/sftp", "ELF", 0o755))];
    const { entries, leftOut } = dropUnlinked(withSftp, candidates, needed);
    expect(leftOut).toEqual([]);
    expect(paths(entries)).toEqual(paths(withSftp));
  });

  it("keeps a library linked by the name of a link that reaches it through a directory link", () => {
    const viaLib = [...root, ...from("client", file("/usr/bin/tool", "ELF", 0o755))];
    const { leftOut } = dropUnlinked(viaLib, candidates, (e) => (e.path === "/usr/bin/tool" ? ["libedit.so"] : needed(e)));
    expect(paths(leftOut)).toEqual([]);
  });

  it("leaves every file of other packages, and everything when no package names libraries", () => {
    const only = new Map([["edit", globMatcher(["/usr/lib/*/libedit.so.*"])]]);
    expect(paths(dropUnlinked(root, only, needed).leftOut)).toEqual([`${LIB}/libedit.so.2.0.70`, `${LIB}/libedit.so.2`, "/usr/lib64/libedit.so"]);
    expect(dropUnlinked(root, new Map(), needed).entries).toEqual(root);
  });

  it("reads DT_NEEDED from a real program, and nothing from a script or another architecture's object", () => {
    const ls = { ...file("/usr/bin/ls", ""), content: new Uint8Array(readFileSync("/usr/bin/ls")), origin: "coreutils" } as RootEntry;
    expect(neededLibraries(ls)).toContain("libc.so.6");
    expect(neededLibraries({ ...file("/usr/bin/script", "#!/bin/sh\n"), origin: "x" })).toEqual([]);
    const elf32 = new Uint8Array(64);
    elf32.set([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    expect(neededLibraries({ ...file("/usr/lib/i386/x.so", ""), content: elf32, origin: "x" } as RootEntry)).toEqual([]);
  });
});
