import { describe, expect, test } from "vitest";
import { PackageIndex, type PackageRecord } from "../src/records.js";
import { resolve, closeMatches } from "../src/resolver.js";
import { DebianError } from "../src/errors.js";

type Extra = Partial<Omit<PackageRecord, "package" | "version">>;

function pkg(name: string, version: string, extra: Extra = {}): PackageRecord {
  return {
    package: name,
    version,
    architecture: "amd64",
    filename: `pool/main/${name[0]}/${name}/${name}_${version}_amd64.deb`,
    size: 100,
    sha256: "0".repeat(64),
    suite: "bookworm",
    ...extra,
  };
}

const names = (records: PackageRecord[]): string[] => records.map((r) => `${r.package}=${r.version}`);

function error(fn: () => unknown): DebianError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DebianError) return e;
    throw e;
  }
  throw new Error("expected a DebianError");
}

describe("resolver", () => {
  test("closure of Depends and Pre-Depends, cycles allowed, result sorted", () => {
    const index = new PackageIndex(
      [
        pkg("app", "1", { depends: "liba (>= 1), libc6" }),
        pkg("liba", "1.5", { preDepends: "libc6 (>= 2.34)", depends: "app" }),
        pkg("libc6", "2.36-9"),
        pkg("unrelated", "1"),
      ],
      "amd64",
    );
    expect(names(resolve(index, ["app"]))).toEqual(["app=1", "liba=1.5", "libc6=2.36-9"]);
  });

  test("the highest version across suites wins; other architectures are ignored", () => {
    const index = new PackageIndex(
      [
        pkg("libssl3", "3.0.11-1~deb12u2"),
        pkg("libssl3", "3.0.15-1~deb12u1", { suite: "bookworm-security" }),
        pkg("libssl3", "9.9", { architecture: "i386" }),
        pkg("tzdata", "2024a-0+deb12u1", { architecture: "all" }),
      ],
      "amd64",
    );
    const resolved = resolve(index, ["libssl3", "tzdata"]);
    expect(names(resolved)).toEqual(["libssl3=3.0.15-1~deb12u1", "tzdata=2024a-0+deb12u1"]);
    expect(resolved[0]!.suite).toBe("bookworm-security");
  });

  test("versioned dependencies pick the highest version that satisfies them", () => {
    const index = new PackageIndex(
      [pkg("app", "1", { depends: "lib (<< 2)" }), pkg("lib", "1.0"), pkg("lib", "1.5"), pkg("lib", "2.0")],
      "amd64",
    );
    expect(names(resolve(index, ["app"]))).toEqual(["app=1", "lib=1.5"]);
  });

  test("alternatives: the first satisfiable one", () => {
    const index = new PackageIndex([pkg("app", "1", { depends: "missing | old (>= 2) | good | other" }), pkg("old", "1"), pkg("good", "1"), pkg("other", "1")], "amd64");
    expect(names(resolve(index, ["app"]))).toEqual(["app=1", "good=1"]);
  });

  test("alternatives: one the closure already has is preferred over the first listed", () => {
    const index = new PackageIndex(
      [pkg("app", "1", { depends: "first | second" }), pkg("tool", "1", { depends: "second" }), pkg("first", "1"), pkg("second", "1")],
      "amd64",
    );
    // `tool` is resolved after `app`'s alternative is seen: hard dependencies settle first.
    expect(names(resolve(index, ["app", "tool"]))).toEqual(["app=1", "second=1", "tool=1"]);
  });

  test("usr-is-merged is chosen over usrmerge (which would drag in perl)", () => {
    const index = new PackageIndex(
      [
        pkg("init-system-helpers", "1.65.2", { depends: "usrmerge | usr-is-merged" }),
        pkg("usrmerge", "35", { depends: "perl:any" }),
        pkg("perl", "5.36.0-7"),
        pkg("usr-is-merged", "35", { architecture: "all" }),
      ],
      "amd64",
    );
    expect(names(resolve(index, ["init-system-helpers"]))).toEqual(["init-system-helpers=1.65.2", "usr-is-merged=35"]);
    // …unless nothing else can do.
    expect(names(resolve(index, ["init-system-helpers"], { avoid: [] }))).toContain("perl=5.36.0-7");
  });

  test("virtual packages: the providing package already chosen, else by Priority, else by name", () => {
    const records = [
      pkg("base-files", "12", { preDepends: "awk" }),
      pkg("gawk", "5.2", { provides: "awk", priority: "optional" }),
      pkg("mawk", "1.3.4", { provides: "awk", priority: "required" }),
      pkg("original-awk", "2012", { provides: "awk", priority: "optional" }),
    ];
    const index = new PackageIndex(records, "amd64");
    expect(names(resolve(index, ["base-files"]))).toEqual(["base-files=12", "mawk=1.3.4"]);
    expect(names(resolve(index, ["base-files", "gawk"]))).toEqual(["base-files=12", "gawk=5.2"]);
    // A virtual package can be a root.
    expect(names(resolve(index, ["awk"]))).toEqual(["mawk=1.3.4"]);
  });

  test("versioned Provides satisfy versioned dependencies; unversioned Provides do not", () => {
    const index = new PackageIndex(
      [
        pkg("app", "1", { depends: "libfoo-abi (>= 2)" }),
        pkg("old-provider", "1", { provides: "libfoo-abi" }),
        pkg("new-provider", "1", { provides: "libfoo-abi (= 2.1)" }),
      ],
      "amd64",
    );
    expect(names(resolve(index, ["app"]))).toEqual(["app=1", "new-provider=1"]);
  });

  test(":any and :native qualifiers resolve to the package itself", () => {
    const index = new PackageIndex([pkg("app", "1", { depends: "python3:any (>= 3.11), perl:native" }), pkg("python3", "3.11.2"), pkg("perl", "5.36")], "amd64");
    expect(names(resolve(index, ["app"]))).toEqual(["app=1", "perl=5.36", "python3=3.11.2"]);
  });

  test("an unsatisfiable dependency shows the chain that needs it", () => {
    const index = new PackageIndex([pkg("nginx-light", "1.22", { depends: "nginx (>= 1.22)" }), pkg("nginx", "1.22", { depends: "libc6 (>= 2.38)" }), pkg("libc6", "2.36-9")], "amd64");
    const e = error(() => resolve(index, ["nginx-light"]));
    expect(e.message).toContain("nginx-light → nginx → libc6 (>= 2.38)");
    expect(e.message).toContain("libc6 has only 2.36-9");
    expect(e.hint).toBeTruthy();
  });

  test("a dependency that nothing provides is an error", () => {
    const index = new PackageIndex([pkg("app", "1", { depends: "ghost | phantom" })], "amd64");
    expect(error(() => resolve(index, ["app"])).message).toMatch(/app → ghost \| phantom .*no package is or provides ghost/);
  });

  test("an unknown root names close matches", () => {
    const index = new PackageIndex([pkg("nginx-light", "1"), pkg("nginx-full", "1"), pkg("openssh-server", "1"), pkg("zsh", "1")], "amd64");
    const e = error(() => resolve(index, ["nginx-lite"]));
    expect(e.message).toBe('unknown Debian package "nginx-lite"');
    expect(e.code).toBe("DEBIAN_UNKNOWN_PACKAGE");
    expect(e.hint).toMatch(/did you mean "nginx-light"/);
    expect(closeMatches(index, "openssh")).toEqual(["openssh-server"]);
  });

  test("Recommends only when asked; an unsatisfiable recommendation is skipped", () => {
    const index = new PackageIndex([pkg("app", "1", { recommends: "helper, ghost" }), pkg("helper", "1")], "amd64");
    expect(names(resolve(index, ["app"]))).toEqual(["app=1"]);
    expect(names(resolve(index, ["app"], { recommends: true }))).toEqual(["app=1", "helper=1"]);
  });

  test("Essential packages only when asked", () => {
    const index = new PackageIndex([pkg("app", "1"), pkg("bash", "5.2", { essential: true, depends: "base-files" }), pkg("base-files", "12")], "amd64");
    expect(names(resolve(index, ["app"]))).toEqual(["app=1"]);
    expect(names(resolve(index, ["app"], { essential: true }))).toEqual(["app=1", "base-files=12", "bash=5.2"]);
  });

  test("dependencies: none, and only those matching a pattern (a kernel metapackage)", () => {
    const index = new PackageIndex(
      [
        pkg("linux-image-cloud-amd64", "6.1.90-1", { depends: "linux-image-6.1.0-21-cloud-amd64 (= 6.1.90-1)" }),
        pkg("linux-image-6.1.0-21-cloud-amd64", "6.1.90-1", { depends: "kmod, linux-base (>= 4.3~), initramfs-tools | linux-initramfs-tool" }),
        pkg("kmod", "30"),
        pkg("linux-base", "4.9"),
        pkg("initramfs-tools", "0.142"),
      ],
      "amd64",
    );
    expect(names(resolve(index, ["linux-image-cloud-amd64"], { dependencies: "none" }))).toEqual(["linux-image-cloud-amd64=6.1.90-1"]);
    expect(names(resolve(index, ["linux-image-cloud-amd64"], { dependencies: { only: "^linux-image-" } }))).toEqual([
      "linux-image-6.1.0-21-cloud-amd64=6.1.90-1",
      "linux-image-cloud-amd64=6.1.90-1",
    ]);
  });

  test("a root may pin a version", () => {
    const index = new PackageIndex([pkg("lib", "1.0"), pkg("lib", "2.0")], "amd64");
    expect(names(resolve(index, ["lib=1.0"]))).toEqual(["lib=1.0"]);
    expect(names(resolve(index, ["lib (<< 2)"]))).toEqual(["lib=1.0"]);
  });
});
