// rootfs.packageFiles: which selections hold for a root, from the packages'
// dependencies — a package depending on a selected one that the selection
// was not written for keeps it whole, and so does rootfs.keepWhole.
import { describe, expect, it } from "vitest";
import { assembleRoot } from "../src/assemble.js";
import { dependencyNames, dependentsOf, planSelections, type PackageFiles } from "../src/select.js";
import { dir, file, symlink } from "./helpers.js";

const selections: Record<string, PackageFiles> = {
  client: { keep: ["/usr/bin/keygen"], reason: "the server needs keygen alone", for: ["server"] },
  db: { keep: [], reason: "only the client's dropped tools link it", for: ["client"] },
  tools: { drop: ["/usr/bin/extra"], reason: "nothing runs extra" },
};
const include = ["/usr/share/doc/*/copyright"];

function plan(packages: Record<string, string>, keepWhole: string[] = []) {
  const controls = Object.entries(packages).map(([name, depends]) => ({ name, depends }));
  return planSelections({ selections, keepWhole, present: new Set(Object.keys(packages)), dependents: dependentsOf(controls), include });
}

describe("file selections", () => {
  it("reads every alternative of Depends without versions or architectures", () => {
    expect(dependencyNames("libc6 (>= 2.34), a | b:any (<< 3), c [amd64]")).toEqual(["libc6", "a", "b", "c"]);
    expect(dependencyNames(undefined)).toEqual([]);
  });

  it("holds while only the packages it was written for depend on the package", () => {
    const p = plan({ server: "client", client: "db", db: "", tools: "" });
    expect([...p.applied.keys()]).toEqual(["client", "db", "tools"]);
    expect(p.whole).toEqual([]);
    const client = p.applied.get("client")!;
    expect(client("/usr/bin/keygen")).toBe(true);
    expect(client("/usr/bin/ssh")).toBe(false);
    expect(client("/usr/share/doc/client/copyright")).toBe(true);
    expect(p.applied.get("tools")!("/usr/bin/extra")).toBe(false);
    expect(p.applied.get("tools")!("/usr/bin/tool")).toBe(true);
  });

  it("keeps a package whole when another package depends on it, and what it alone needed falls with it", () => {
    const p = plan({ server: "client", client: "db", db: "", sshfs: "client" });
    expect(p.applied.has("client")).toBe(false);
    expect(p.applied.has("db")).toBe(false);
    expect(p.whole).toEqual([
      { name: "client", why: "sshfs depends on it" },
      { name: "db", why: "client depends on it and is kept whole" },
    ]);
  });

  it("applies `unlinked` whatever depends on the package, unless the package is kept whole", () => {
    const withLibs: Record<string, PackageFiles> = {
      ...selections,
      libc: { unlinked: ["/usr/lib/*/libmvec.so.*"], reason: "programs that link it keep it" },
      db: { keep: [], unlinked: ["/usr/lib/*/libdb*.so"], reason: "only the client's dropped tools link it", for: ["client"] },
    };
    const controls = [
      { name: "server", depends: "client, libc" },
      { name: "client", depends: "db, libc" },
      { name: "db", depends: "libc" },
      { name: "libc", depends: "" },
      { name: "sshfs", depends: "client, libc" },
    ];
    const p = planSelections({ selections: withLibs, keepWhole: [], present: new Set(controls.map((c) => c.name)), dependents: dependentsOf(controls), include });
    expect([...p.unlinked.keys()]).toEqual(["libc"]);
    expect(p.unlinked.get("libc")!("/usr/lib/x86_64-linux-gnu/libmvec.so.1")).toBe(true);
    expect(p.whole.map((w) => w.name)).toEqual(["client", "db"]);
    // A dependent whose selection is `unlinked` alone does not keep the package whole.
    const ssl = planSelections({
      selections: { ...withLibs, ssl: { drop: ["/usr/lib/*/engines/**"], reason: "nothing asks for them", for: ["libc"] } },
      keepWhole: [],
      present: new Set(["ssl", "libc"]),
      dependents: dependentsOf([{ name: "libc", depends: "ssl" }, { name: "ssl", depends: "" }]),
      include,
    });
    expect([...ssl.applied.keys()]).toEqual(["ssl"]);
    const kept = planSelections({ selections: withLibs, keepWhole: ["libc"], present: new Set(controls.map((c) => c.name)), dependents: dependentsOf(controls), include });
    expect(kept.unlinked.size).toBe(0);
  });

  it("keeps a package whole that rootfs.keepWhole names, and ignores selections of absent packages", () => {
    const p = plan({ server: "client", client: "db", db: "" }, ["client"]);
    expect([...p.applied.keys()]).toEqual([]);
    expect(p.whole.map((w) => w.name)).toEqual(["client", "db"]);
  });

  it("leaves the unselected files out of the root, keeping directories and dropping links to them", async () => {
    const p = plan({ server: "client", client: "" });
    const root = await assembleRoot({
      rootfs: { exclude: [], include, conflicts: {} },
      packages: [{ name: "client", select: p.applied.get("client")!, entries: [dir("/usr"), dir("/usr/bin"), file("/usr/bin/keygen", "K", 0o755), file("/usr/bin/ssh", "S", 0o755), symlink("/usr/bin/slogin", "ssh"), dir("/etc/ssh")] }],
      layers: [],
    });
    const paths = root.entries.filter((e) => e.origin === "client").map((e) => e.path);
    expect(paths).toContain("/usr/bin/keygen");
    expect(paths).toContain("/etc/ssh");
    expect(paths).not.toContain("/usr/bin/ssh");
    expect(paths).not.toContain("/usr/bin/slogin");
  });
});
