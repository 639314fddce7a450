import { describe, expect, it } from "vitest";
import { modulesClosure, type ModuleIndex, type ModuleInfo } from "../src/index.js";
import { closeModuleNames, modulesAlias, modulesDep, modulesSoftdep } from "../src/public/modules.js";

const mod = (name: string, depends: string[] = [], extra: Partial<ModuleInfo> = {}): ModuleInfo => ({
  name,
  file: `kernel/${name.replace(/_rng$/, "-rng")}.ko`,
  depends,
  softdeps: { pre: [], post: [] },
  aliases: [],
  ...extra,
});

// A synthetic kernel shaped like the real one's virtio corner.
const index: ModuleIndex = {
  version: "6.1.0-test",
  builtin: ["ext4", "crc32c_generic"],
  modules: [
    mod("virtio_ring"),
    mod("virtio", ["virtio_ring"]),
    mod("virtio_pci_legacy_dev"),
    mod("virtio_pci_modern_dev"),
    mod("virtio_pci", ["virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio"]),
    mod("virtio_blk", ["virtio", "virtio_ring"]),
    mod("failover"),
    mod("net_failover", ["failover"]),
    mod("virtio_net", ["net_failover", "virtio", "virtio_ring"]),
    mod("virtio_rng", ["virtio", "virtio_ring"]),
    mod("libcrc32c", ["crc32c_generic"]),
    mod("btrfs", ["libcrc32c"], { softdeps: { pre: ["crc32c", "xxhash_generic", "missing_one"], post: ["zstd_helper"] } }),
    mod("xxhash_generic"),
    mod("zstd_helper"),
    mod("overlay", [], { aliases: ["fs-overlay"] }),
    mod("squashfs", [], { aliases: ["fs-squashfs"] }),
  ],
};
const names = (ms: ModuleInfo[]) => ms.map((m) => m.name);

describe("modulesClosure", () => {
  it("puts dependencies first, in .modinfo order, each module once", () => {
    expect(names(modulesClosure(index, ["virtio_pci", "virtio_blk"]))).toEqual([
      "virtio_ring",
      "virtio_pci_modern_dev",
      "virtio_pci_legacy_dev",
      "virtio",
      "virtio_pci",
      "virtio_blk",
    ]);
  });

  it("finds hidden dependencies (virtio_net needs net_failover and failover)", () => {
    expect(names(modulesClosure(index, ["virtio_net"]))).toEqual(["failover", "net_failover", "virtio_ring", "virtio", "virtio_net"]);
  });

  it("is stable: follows the order of the names asked for", () => {
    expect(names(modulesClosure(index, ["squashfs", "overlay"]))).toEqual(["squashfs", "overlay"]);
    expect(names(modulesClosure(index, ["overlay", "squashfs"]))).toEqual(["overlay", "squashfs"]);
  });

  it("treats - and _ alike and returns the real file name", () => {
    const [, , rng] = modulesClosure(index, ["virtio-rng"]);
    expect(rng).toMatchObject({ name: "virtio_rng", file: "kernel/virtio-rng.ko" });
  });

  it("leaves built-in modules out, also as dependencies", () => {
    expect(names(modulesClosure(index, ["ext4", "libcrc32c"]))).toEqual(["libcrc32c"]);
  });

  it("adds soft dependencies that exist: pre before, post after", () => {
    expect(names(modulesClosure(index, ["btrfs"]))).toEqual(["xxhash_generic", "libcrc32c", "btrfs", "zstd_helper"]);
  });

  it("resolves exact aliases", () => {
    expect(names(modulesClosure(index, ["fs-overlay"]))).toEqual(["overlay"]);
  });

  it("names an unknown module with close matches", () => {
    expect(() => modulesClosure(index, ["virtio_blck"])).toThrow(/no module named "virtio_blck"; close matches: virtio_blk/);
    expect(() => modulesClosure(index, ["zzzzzz"])).toThrow(/no module named "zzzzzz"$/);
  });

  it("skips unknown names with allowMissing", () => {
    expect(names(modulesClosure(index, ["nope", "squashfs"], { allowMissing: true }))).toEqual(["squashfs"]);
  });

  it("reports a missing hard dependency with the chain that needs it", () => {
    const broken: ModuleIndex = { ...index, modules: [...index.modules, mod("a", ["b"]), mod("b", ["gone"])] };
    expect(() => modulesClosure(broken, ["a"])).toThrow(/b depends on gone.*via a → b/);
  });
});

describe("closeModuleNames", () => {
  it("suggests by edit distance and by substring", () => {
    expect(closeModuleNames(index, "virtio-bkl")).toContain("virtio_blk");
    expect(closeModuleNames(index, "failover")).toEqual(["failover", "net_failover"]);
  });
});

describe("depmod files", () => {
  const included = modulesClosure(index, ["virtio_pci", "btrfs"]);

  it("modules.dep lists each module's full hard closure, last-to-load first", () => {
    const lines = modulesDep(index, included).split("\n");
    expect(lines).toContain(
      "kernel/virtio_pci.ko: kernel/virtio.ko kernel/virtio_pci_legacy_dev.ko kernel/virtio_pci_modern_dev.ko kernel/virtio_ring.ko",
    );
    expect(lines).toContain("kernel/virtio_ring.ko:");
    expect(lines).toContain("kernel/btrfs.ko: kernel/libcrc32c.ko");
    expect(lines.filter(Boolean)).toHaveLength(included.length);
  });

  it("modules.alias and modules.softdep", () => {
    expect(modulesAlias(modulesClosure(index, ["squashfs", "overlay"]))).toBe("alias fs-overlay overlay\nalias fs-squashfs squashfs\n");
    expect(modulesSoftdep(included)).toBe("softdep btrfs pre: crc32c xxhash_generic missing_one post: zstd_helper\n");
  });
});
