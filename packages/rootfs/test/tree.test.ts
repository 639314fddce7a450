import { describe, expect, it } from "vitest";
import { formatError } from "@notos/core";
import { fileText, type Layer, type TreeEntry } from "@notos/core/tree";
import { mergedUsrPath } from "@notos/debian/deb";
import { pathFilter } from "../src/glob.js";
import { RootTree, type RootEntry } from "../src/tree.js";
import { dir, file, hardlink, symlink } from "./helpers.js";

const defaults = {
  exclude: ["/usr/share/doc/**", "/usr/share/man/**"],
  include: ["/usr/share/doc/*/copyright"],
};

function build(packages: Record<string, TreeEntry[]>, layers: Layer[] = [], conflicts: Record<string, string> = {}): Map<string, RootEntry> {
  const tree = new RootTree({ mapPath: mergedUsrPath, keep: pathFilter(defaults), conflicts });
  for (const [name, entries] of Object.entries(packages)) {
    const sink = tree.addPackage(name);
    for (const entry of entries) sink.add(entry);
    sink.done();
  }
  for (const layer of layers) tree.addLayer(layer);
  return new Map(tree.finish().map((e) => [e.path, e]));
}

describe("merging packages", () => {
  it("accepts the same path from two packages when it is identical, and shared directories", () => {
    const root = build({
      a: [dir("/usr"), dir("/usr/share"), file("/usr/share/x", "same")],
      b: [dir("/usr", 0o755), dir("/usr/share"), file("/usr/share/x", "same")],
    });
    expect(root.get("/usr/share/x")).toMatchObject({ origin: "a" });
    expect(root.get("/usr/share/x")?.overrides).toBeUndefined();
  });

  it("refuses different content at one path, naming the path and both packages", () => {
    expect(() => build({ alpha: [file("/usr/bin/tool", "one")], beta: [file("/usr/bin/tool", "two")] })).toThrow(
      /packages alpha and beta both ship \/usr\/bin\/tool, differently \(content differs/,
    );
    expect(() => build({ alpha: [file("/usr/bin/tool", "x", 0o755)], beta: [file("/usr/bin/tool", "x", 0o4755)] })).toThrow(/mode 755 vs 4755/);
    expect(() => build({ alpha: [symlink("/usr/bin/tool", "a")], beta: [file("/usr/bin/tool", "a")] })).toThrow(/symlink vs file/);
  });

  // The user's to fix in the configuration: printed with its hint, never as "looks like a bug".
  it("reports a conflict as a NotosError with a code and the rootfs.conflicts fix", () => {
    let error: unknown;
    try {
      build({ alpha: [file("/usr/bin/tool", "one")], beta: [file("/usr/bin/tool", "two")] });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "RootfsError", code: "ROOTFS_CONFLICT" });
    const printed = formatError(error);
    expect(printed).toContain('hint: choose the winner in the configuration: rootfs: { conflicts: { "/usr/bin/tool": "beta" } } (or "alpha")');
    expect(printed).not.toMatch(/bug/);
  });

  it("also sees a conflict between /bin and /usr/bin after the merge", () => {
    expect(() => build({ old: [file("/bin/ping", "old")], new: [file("/usr/bin/ping", "new")] })).toThrow(/old and new both ship \/usr\/bin\/ping/);
  });

  it("lets rootfs.conflicts choose the winner, whichever comes first, and records the loser", () => {
    const first = build({ alpha: [file("/usr/bin/tool", "one")], beta: [file("/usr/bin/tool", "two")] }, [], { "/usr/bin/tool": "beta" });
    expect(first.get("/usr/bin/tool")).toMatchObject({ origin: "beta", overrides: "alpha" });
    expect(fileText(first.get("/usr/bin/tool"))).toBe("two");
    const second = build({ alpha: [file("/usr/bin/tool", "one")], beta: [file("/usr/bin/tool", "two")] }, [], { "/bin/tool": "alpha" });
    expect(second.get("/usr/bin/tool")).toMatchObject({ origin: "alpha", overrides: "beta" });
  });

  it("with three contenders, the named winner wins even when it comes last", () => {
    const root = build(
      { a: [file("/usr/bin/t", "a")], b: [file("/usr/bin/t", "b")], c: [file("/usr/bin/t", "c")] },
      [],
      { "/usr/bin/t": "c" },
    );
    expect(fileText(root.get("/usr/bin/t"))).toBe("c");
  });

  it("refuses a named winner that does not ship the path", () => {
    expect(() => build({ a: [file("/usr/bin/t", "a")], b: [file("/usr/bin/t", "b")] }, [], { "/usr/bin/t": "zzz" })).toThrow(
      /names zzz as the winner of \/usr\/bin\/t, but zzz does not ship it \(shipped by a, b\)/,
    );
  });

  it("turns hard links into files with their target's content and metadata", () => {
    const root = build({ gzip: [file("/bin/gzip", "GZ", 0o755), hardlink("/bin/gunzip", "/bin/gzip")] });
    expect(root.get("/usr/bin/gunzip")).toMatchObject({ type: "file", mode: 0o755, origin: "gzip" });
    expect(fileText(root.get("/usr/bin/gunzip"))).toBe("GZ");
  });
});

describe("filters", () => {
  it("drops documentation but keeps copyright files with their parent directories", () => {
    const root = build({
      bash: [
        dir("/usr"),
        dir("/usr/share"),
        dir("/usr/share/doc"),
        dir("/usr/share/doc/bash", 0o755),
        file("/usr/share/doc/bash/copyright", "GPL"),
        file("/usr/share/doc/bash/changelog.gz", "…"),
        dir("/usr/share/man"),
        dir("/usr/share/man/man1"),
        file("/usr/share/man/man1/bash.1.gz", "…"),
      ],
    });
    expect([...root.keys()].filter((p) => p.startsWith("/usr/share"))).toEqual([
      "/usr/share",
      "/usr/share/doc",
      "/usr/share/doc/bash",
      "/usr/share/doc/bash/copyright",
      "/usr/share/man",
    ]);
  });

  it("leaves out package links that point to a left-out file", () => {
    const root = build({
      runit: [dir("/etc"), dir("/etc/runit"), symlink("/etc/runit/README", "/usr/share/doc/runit/README-flagfiles"), file("/usr/share/doc/runit/README-flagfiles", "…")],
      other: [symlink("/etc/kept", "../usr/share/doc/runit/copyright"), file("/usr/share/doc/runit/copyright", "©")],
    });
    expect(root.has("/etc/runit/README")).toBe(false);
    expect(root.get("/etc/kept")?.type).toBe("symlink");
    expect(root.get("/etc/runit")?.type).toBe("dir");
  });

  it("never filters layers", () => {
    const root = build({}, [{ name: "docs", entries: [file("/usr/share/man/man1/x.1", "x")] }]);
    expect(root.get("/usr/share/man/man1/x.1")?.origin).toBe("layer:docs");
  });
});

describe("layers", () => {
  it("override package files, and the manifest entry says whose", () => {
    const root = build({ openssh: [dir("/etc"), dir("/etc/ssh"), file("/etc/ssh/sshd_config", "package")] }, [
      { name: "etc", entries: [file("/etc/ssh/sshd_config", "layer", 0o600)] },
      { name: "runit", entries: [dir("/etc/sv"), file("/etc/sv/sshd/run", "#!/bin/sh\n", 0o755)] },
    ]);
    expect(root.get("/etc/ssh/sshd_config")).toMatchObject({ origin: "layer:etc", overrides: "openssh", mode: 0o600 });
    expect(root.get("/etc/sv/sshd/run")).toMatchObject({ origin: "layer:runit", mode: 0o755 });
    expect(root.get("/etc/sv/sshd")).toMatchObject({ type: "dir", mode: 0o755, uid: 0 });
    expect(root.get("/etc")?.overrides).toBeUndefined();
  });

  it("a later layer overrides an earlier one", () => {
    const root = build({}, [
      { name: "etc", entries: [file("/etc/motd", "one")] },
      { name: "site", entries: [file("/etc/motd", "two")] },
    ]);
    expect(root.get("/etc/motd")).toMatchObject({ origin: "layer:site", overrides: "layer:etc" });
  });

  it("refuses a path below a file or a symlink", () => {
    expect(() => build({ a: [file("/opt/x", "f")] }, [{ name: "l", entries: [file("/opt/x/y", "g")] }])).toThrow(/l puts \/opt\/x\/y below \/opt\/x, which is a file from a/);
  });

  it("refuses private keys", () => {
    expect(() => build({}, [{ name: "etc", entries: [file("/etc/ssh/ssh_host_ed25519_key", "key")] }])).toThrow(/ssh host private key/);
    expect(() => build({}, [{ name: "etc", entries: [file("/etc/x.pem", "-----BEGIN PRIVATE KEY-----\n")] }])).toThrow(/private key at \/etc\/x.pem/);
  });
});
