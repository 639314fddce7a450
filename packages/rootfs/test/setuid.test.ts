// rootfs.setuid: an allow-list with reasons. Set, it is the whole list of
// files that keep setuid/setgid; unset, the packages' bits stay as shipped.
import { describe, expect, it } from "vitest";
import { formatError } from "@notos/core";
import { assembleRoot, limitSetuid } from "../src/public/tree.js";
import { rootfsOptions } from "../src/options.js";
import { dir, file, symlink } from "./helpers.js";

const shipped = [
  dir("/usr"),
  dir("/usr/bin"),
  file("/usr/bin/su", "su", 0o4755),
  file("/usr/bin/passwd", "passwd", 0o4755),
  file("/usr/bin/chage", "chage", 0o2755, 0, 42),
  file("/usr/bin/ls", "ls", 0o755),
  dir("/var/local", 0o2775, 0, 50),
  dir("/tmp", 0o1777),
  symlink("/usr/bin/sg", "newgrp"),
];
const modes = (entries: readonly { path: string; mode: number }[]) => Object.fromEntries(entries.map((e) => [e.path, (e.mode & 0o7777).toString(8)]));

describe("limitSetuid", () => {
  it("keeps every bit when the list is unset", () => {
    expect(modes(limitSetuid(shipped, undefined))).toEqual(modes(shipped));
  });

  it("clears setuid and setgid on every file not listed, and keeps the listed ones, sticky bits and directories as they are", () => {
    const limited = modes(limitSetuid(shipped, { "/usr/bin/su": "administrators switch to root" }));
    expect(limited).toMatchObject({ "/usr/bin/su": "4755", "/usr/bin/passwd": "755", "/usr/bin/chage": "755", "/usr/bin/ls": "755", "/var/local": "2775", "/tmp": "1777" });
    expect(modes(limitSetuid(shipped, {}))["/usr/bin/su"]).toBe("755");
  });

  it("refuses a listed path that is not a regular file of the root, with a code and a hint", () => {
    expect(() => limitSetuid(shipped, { "/usr/bin/sudo": "x" })).toThrow(/rootfs.setuid names \/usr\/bin\/sudo, which is not in the root/);
    let error: unknown;
    try {
      limitSetuid(shipped, { "/usr/bin/sg": "x" });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "ROOTFS_SETUID" });
    expect(formatError(error)).toMatch(/a symlink[\s\S]*hint: name regular files by their merged-\/usr path/);
  });
});

describe("the rootfs.setuid option", () => {
  it("is unset by default and takes reasons, not empty strings", () => {
    expect(rootfsOptions.rootfs.parse({}).setuid).toBeUndefined();
    expect(rootfsOptions.rootfs.parse({ setuid: { "/usr/bin/su": "admins" } }).setuid).toEqual({ "/usr/bin/su": "admins" });
    expect(rootfsOptions.rootfs.safeParse({ setuid: { "/usr/bin/su": "" } }).success).toBe(false);
    expect(rootfsOptions.rootfs.safeParse({ setuid: { "usr/bin/su": "admins" } }).success).toBe(false);
  });

  it("applies to the assembled root, packages and layers alike", async () => {
    const root = await assembleRoot({
      rootfs: { exclude: [], include: [], conflicts: {}, setuid: { "/usr/bin/passwd": "users change their password" } },
      packages: [{ name: "login", entries: shipped }],
      layers: [{ name: "extra", entries: [file("/usr/local/bin/tool", "t", 0o6755)] }],
    });
    const got = modes(root.entries);
    expect(got["/usr/bin/passwd"]).toBe("4755");
    expect(got["/usr/bin/su"]).toBe("755");
    expect(got["/usr/local/bin/tool"]).toBe("755");
  });
});
