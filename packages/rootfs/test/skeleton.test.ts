import { describe, expect, it } from "vitest";
import { fileText, type TreeEntry } from "@notos/core/tree";
import { mergedUsrPath } from "@notos/debian/deb";
import { pathFilter } from "../src/glob.js";
import { addSkeleton } from "../src/skeleton.js";
import { RootTree, type RootEntry } from "../src/tree.js";
import { dir, file, symlink } from "./helpers.js";

function root(packages: Record<string, TreeEntry[]>): Map<string, RootEntry> {
  const tree = new RootTree({ mapPath: mergedUsrPath, keep: pathFilter({ exclude: [], include: [] }) });
  for (const [name, entries] of Object.entries(packages)) {
    const sink = tree.addPackage(name);
    entries.forEach((e) => sink.add(e));
    sink.done();
  }
  addSkeleton(tree);
  return new Map(tree.finish().map((e) => [e.path, e]));
}

const mode = (e: RootEntry | undefined): string => (e ? `${e.type} ${(e.mode & 0o7777).toString(8)} ${e.uid}:${e.gid}` : "missing");

describe("skeleton", () => {
  it("has the merged-/usr root links and the directories a running system needs", () => {
    const r = root({ libc6: [dir("/lib64"), symlink("/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")] });
    expect(r.get("/bin")).toMatchObject({ type: "symlink", target: "usr/bin" });
    expect(r.get("/sbin")).toMatchObject({ type: "symlink", target: "usr/sbin" });
    expect(r.get("/lib")).toMatchObject({ type: "symlink", target: "usr/lib" });
    expect(r.get("/lib64")).toMatchObject({ type: "symlink", target: "usr/lib64" });
    expect(r.get("/lib32")).toBeUndefined();
    expect(r.get("/usr/lib64/ld-linux-x86-64.so.2")).toMatchObject({ origin: "libc6" });
    expect(mode(r.get("/tmp"))).toBe("dir 1777 0:0");
    expect(mode(r.get("/var/tmp"))).toBe("dir 1777 0:0");
    expect(mode(r.get("/root"))).toBe("dir 700 0:0");
    for (const d of ["/dev", "/proc", "/sys", "/run", "/mnt", "/home", "/srv", "/etc", "/var/log", "/var/lib", "/var/cache"]) {
      expect(r.get(d)?.type, d).toBe("dir");
    }
    expect(r.get("/var/run")).toMatchObject({ type: "symlink", target: "/run" });
  });

  it("turns base-files' empty /var/run and /var/lock directories into links, as its postinst does", () => {
    const r = root({ "base-files": [dir("/var"), dir("/var/run"), dir("/var/lock", 0o1777)] });
    expect(r.get("/var/run")).toMatchObject({ type: "symlink", target: "/run", overrides: "base-files" });
    expect(r.get("/var/lock")).toMatchObject({ type: "symlink", target: "/run/lock" });
    expect(() => root({ odd: [dir("/var/run"), file("/var/run/x.pid", "1")] })).toThrow(/\/var\/run must be a link to \/run, but odd ships \/var\/run\/x.pid below it/);
  });

  it("keeps a package's own directory metadata", () => {
    expect(mode(root({ base: [dir("/var/log", 0o2775, 0, 4)] }).get("/var/log"))).toBe("dir 2775 0:4");
  });

  it("takes /bin/sh from dash's own link, falls back to bash, and adds awk and which", () => {
    const withDash = root({
      dash: [file("/bin/dash", "dash", 0o755), symlink("/bin/sh", "dash")],
      bash: [file("/bin/bash", "bash", 0o755)],
      mawk: [file("/usr/bin/mawk", "mawk", 0o755)],
      debianutils: [file("/usr/bin/which.debianutils", "w", 0o755)],
    });
    expect(withDash.get("/usr/bin/sh")).toMatchObject({ target: "dash", origin: "dash" });
    expect(withDash.get("/usr/bin/awk")).toMatchObject({ type: "symlink", target: "mawk", origin: "skeleton" });
    expect(withDash.get("/usr/bin/which")).toMatchObject({ type: "symlink", target: "which.debianutils" });
    const bashOnly = root({ bash: [file("/bin/bash", "bash", 0o755)] });
    expect(bashOnly.get("/usr/bin/sh")).toMatchObject({ type: "symlink", target: "bash", origin: "skeleton" });
    expect(bashOnly.get("/usr/bin/awk")).toBeUndefined();
  });

  it("writes /etc/shells from debianutils' list and the packages' shells.d entries", () => {
    const r = root({
      debianutils: [file("/usr/share/debianutils/shells", "# /etc/shells: valid login shells\n/bin/sh\n")],
      dash: [file("/bin/dash", "d", 0o755), symlink("/bin/sh", "dash"), file("/usr/share/debianutils/shells.d/dash", "/bin/dash\n")],
      bash: [file("/bin/bash", "b", 0o755), file("/usr/share/debianutils/shells.d/bash", "/bin/bash\n/bin/rbash\n")],
    });
    expect(fileText(r.get("/etc/shells"))).toBe("# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/dash\n/usr/bin/dash\n");
  });

  it("refuses a package that ships a file where the system needs a directory", () => {
    expect(() => root({ odd: [file("/tmp", "x")] })).toThrow(/\/tmp must be a dir in a running system, but odd ships a file there/);
  });
});
