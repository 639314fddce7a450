import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { evalSystem, type BuildContext } from "@notos/core";
import { silentReporter } from "@notos/core/progress";
import { Store } from "@notos/core/store";
import { PackageIndex, type PackageRecord } from "../src/records.js";
import { parseLock, serializeLock, withSet, lockedSet, type LockedArchive } from "../src/lockfile.js";
import { debianModule } from "../src/module.js";
import type { DebianOptions } from "../src/options.js";
import { lockSystem } from "../src/packages.js";
import type { PackageSet } from "../src/sets.js";
import { DebianError } from "../src/errors.js";

function pkg(name: string, version: string, extra: Partial<PackageRecord> = {}): PackageRecord {
  return { package: name, version, architecture: "amd64", filename: `pool/main/${name}_${version}_amd64.deb`, size: 10, sha256: "a".repeat(64), suite: "bookworm", ...extra };
}

const archive: LockedArchive = { architecture: "amd64", suites: ["bookworm"], components: ["main"] };

// Only the debian options come from the configuration: the sets are given, as the builders would declare them.
const config = (debian: Partial<DebianOptions> = {}) => evalSystem({ imports: [debianModule], debian }).config;

async function context(debian: Partial<DebianOptions> = {}): Promise<BuildContext> {
  const dir = await mkdtemp(join(tmpdir(), "notos-lock-"));
  return { config: config(debian), store: new Store(join(dir, "store")), lockFile: join(dir, "notos.lock.json"), reporter: silentReporter };
}

/** The three sets of a standard system, as the rootfs, kernel and initrd builders declare them, with these packages in the root. */
const sets = (packages: string[]): PackageSet[] => [
  { name: "rootfs", roots: packages, dependencies: "all", recommends: false },
  { name: "kernel", roots: ["linux-image-cloud-amd64"], dependencies: { only: "^linux-image-" } },
  { name: "initrd", roots: ["busybox-static"], dependencies: "none" },
];

const index = (libVersion: string, kernel = "6.1.90-1"): PackageIndex =>
  new PackageIndex(
    [
      pkg("bash", "5.2", { depends: "libc6" }),
      pkg("libc6", libVersion, { suite: "bookworm-security" }),
      pkg("runit", "2.1.2", { depends: "libc6" }),
      pkg("busybox-static", "1:1.35.0-4"),
      pkg("linux-image-cloud-amd64", kernel, { depends: `linux-image-6.1.0-x-cloud-amd64 (= ${kernel}), kmod` }),
      pkg("linux-image-6.1.0-x-cloud-amd64", kernel, { depends: "kmod" }),
      pkg("kmod", "30"),
    ],
    "amd64",
  );

describe("lock file", () => {
  test("stable serialisation: sorted sets and packages, fixed key order, trailing newline; round trip", () => {
    const set = { name: "rootfs", roots: ["runit", "bash"], dependencies: "all" as const };
    const lock = withSet(withSet(undefined, archive, set, [{ name: "zlib1g", version: "1", architecture: "amd64", suite: "bookworm", filename: "f", size: 1, sha256: "s" }, { sha256: "t", size: 2, filename: "g", suite: "bookworm", architecture: "all", version: "2", name: "adduser" }]), archive, { name: "initrd", roots: ["busybox-static"], dependencies: "none" }, []);
    const text = serializeLock(lock);
    expect(text.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(text).sets)).toEqual(["initrd", "rootfs"]);
    expect(JSON.parse(text).sets.rootfs.packages.map((p: { name: string }) => p.name)).toEqual(["adduser", "zlib1g"]);
    expect(Object.keys(JSON.parse(text).sets.rootfs.packages[0])).toEqual(["name", "version", "architecture", "suite", "filename", "size", "sha256"]);
    expect(serializeLock(parseLock(text))).toBe(text);
    // Roots keep their order: it is part of the definition.
    expect(lockedSet(parseLock(text), set, archive)).toHaveLength(2);
    expect(lockedSet(parseLock(text), { ...set, roots: ["bash", "runit"] }, archive)).toBeUndefined();
    expect(lockedSet(parseLock(text), set, { ...archive, suites: ["trixie"] })).toBeUndefined();
  });

  test("a damaged lock file is a clear error", () => {
    expect(() => parseLock("<<<<<<< HEAD\n")).toThrow(DebianError);
    expect(() => parseLock('{"lockfileVersion": 99}')).toThrow(/not a notos lock file/);
  });

  test("lockSystem re-resolves only the set whose definition changed; the others keep their versions", async () => {
    const ctx = await context({ suites: ["bookworm", "bookworm-security"] });
    const first = await lockSystem(ctx, sets(["bash"]), { index: index("2.36-9") });
    expect(first.written).toBe(true);
    expect(first.sets.map((s) => [s.name, s.status, s.added.length])).toEqual([
      ["rootfs", "resolved", 2],
      ["kernel", "resolved", 2],
      ["initrd", "resolved", 1],
    ]);
    const text = await readFile(ctx.lockFile, "utf8");

    // The archive moved on, nothing changed in the configuration: nothing changes in the lock.
    const again = await lockSystem(ctx, sets(["bash"]), { index: index("2.36-9+deb12u4", "6.1.99-1") });
    expect(again.written).toBe(false);
    expect(again.sets.every((s) => s.status === "kept")).toBe(true);
    expect(await readFile(ctx.lockFile, "utf8")).toBe(text);

    // Only the rootfs definition changes: rootfs is resolved against the new index, the kernel stays locked.
    const changed = await lockSystem(ctx, sets(["bash", "runit"]), { index: index("2.36-9+deb12u4", "6.1.99-1") });
    expect(changed.sets.map((s) => [s.name, s.status])).toEqual([
      ["rootfs", "resolved"],
      ["kernel", "kept"],
      ["initrd", "kept"],
    ]);
    expect(changed.sets[0]!.added.map((p) => p.name)).toEqual(["runit"]);
    expect(changed.sets[0]!.changed).toEqual([{ name: "libc6", from: "2.36-9", to: "2.36-9+deb12u4" }]);
    const lock = parseLock(await readFile(ctx.lockFile, "utf8"));
    expect(lock.sets.kernel!.packages.map((p) => p.version)).toEqual(["6.1.90-1", "6.1.90-1"]);
    expect(lock.sets.rootfs!.packages.find((p) => p.name === "libc6")!.suite).toBe("bookworm-security");

    // --refresh resolves everything again.
    const refreshed = await lockSystem(ctx, sets(["bash", "runit"]), { index: index("2.36-9+deb12u4", "6.1.99-1"), refresh: true });
    expect(refreshed.sets.find((s) => s.name === "kernel")!.changed).toHaveLength(2);
    // Nothing but the lock file is left in its directory (no temporaries, no mutex).
    expect((await readdir(join(ctx.lockFile, ".."))).sort()).toEqual(["notos.lock.json"]);
  });

  test("a change of debian.suites re-resolves every set", async () => {
    const ctx = await context({ suites: ["bookworm", "bookworm-security"] });
    await lockSystem(ctx, sets(["bash"]), { index: index("2.36-9") });
    ctx.config = config({ suites: ["bookworm"] });
    const result = await lockSystem(ctx, sets(["bash"]), { index: index("2.36-9") });
    expect(result.sets.every((s) => s.status === "resolved")).toBe(true);
  });

  test("lockSystem reports an unknown package before writing anything", async () => {
    const ctx = await context();
    await expect(lockSystem(ctx, sets(["bsah"]), { index: index("2.36-9") })).rejects.toThrow(/unknown Debian package "bsah"/);
    await expect(readFile(ctx.lockFile)).rejects.toThrow(/ENOENT/);
  });
});
