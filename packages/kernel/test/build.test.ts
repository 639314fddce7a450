// buildKernel against the real Debian kernel package.
import { promises as fs } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { buildKernel, modulesClosure, writeKernelOutputs, type KernelArtifact } from "../src/index.js";
import { moduleInfo, readModinfoPairs } from "../src/public/modules.js";
import { bootModules, testContext } from "./context.js";

const options = { boot: { kernelModules: bootModules.late, initrd: { kernelModules: bootModules.initrd } } };
let kernel: KernelArtifact;

beforeAll(async () => {
  kernel = await buildKernel(testContext(options));
}, 600_000);

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += (await fs.stat(join(e.parentPath, e.name))).size;
  return total;
}

describe("buildKernel", () => {
  it("extracts a bootable bzImage, its config and the release string", async () => {
    const image = await fs.readFile(kernel.image);
    expect(image.subarray(0, 2).toString("latin1")).toBe("MZ");
    expect(image.subarray(0x202, 0x206).toString("latin1")).toBe("HdrS");
    expect(kernel.version).toMatch(/^\d+\.\d+\.\d+-\d+-cloud-amd64$/);
    // The boot protocol's kernel_version string (pointer at 0x20e) starts with the release.
    const banner = image.subarray(image.readUInt16LE(0x20e) + 0x200).toString("latin1");
    expect(banner.startsWith(`${kernel.version} `)).toBe(true);
    expect(await fs.readFile(kernel.config, "utf8")).toMatch(/^CONFIG_SQUASHFS=m$/m);
    expect((await fs.stat(kernel.systemMap)).isFile()).toBe(true);
  });

  it("indexes every module and the built-in ones", () => {
    expect(kernel.index.version).toBe(kernel.version);
    expect(kernel.index.modules.length).toBeGreaterThan(1000);
    expect(kernel.index.builtin).toContain("ext4");
    const rng = kernel.index.modules.find((m) => m.name === "virtio_rng")!;
    expect(rng.file).toBe("kernel/drivers/char/hw_random/virtio-rng.ko");
    const net = modulesClosure(kernel.index, ["virtio_net"]).map((m) => m.name);
    expect(net).toEqual(expect.arrayContaining(["failover", "net_failover", "virtio", "virtio_ring", "virtio_net"]));
    expect(net.at(-1)).toBe("virtio_net");
  });

  it("includes exactly the closure of the configured modules, in load order", async () => {
    const names = kernel.modules.map((m) => m.name);
    expect(names).toEqual(modulesClosure(kernel.index, [...bootModules.initrd, ...bootModules.late]).map((m) => m.name));
    for (const [before, after] of [["virtio_ring", "virtio"], ["virtio_pci_modern_dev", "virtio_pci"], ["virtio", "virtio_blk"]] as const) {
      expect(names.indexOf(before)).toBeLessThan(names.indexOf(after));
    }
    const files = (await fs.readdir(kernel.modulesDir, { recursive: true })).filter((f) => f.endsWith(".ko")).sort();
    expect(files).toEqual(kernel.modules.map((m) => m.file).sort());
    const dep = await fs.readFile(join(kernel.modulesDir, "modules.dep"), "utf8");
    expect(dep).toMatch(/^kernel\/drivers\/block\/virtio_blk\.ko: kernel\/drivers\/virtio\/virtio\.ko kernel\/drivers\/virtio\/virtio_ring\.ko$/m);
    expect(dep).toMatch(/^kernel\/drivers\/char\/hw_random\/virtio-rng\.ko: /m);
    // The module subset is small; the full tree (~90 MB) never lands in the store.
    expect(await sizeOf(join(kernel.path, "lib"))).toBeLessThan(3 * 1024 * 1024);
  });

  it("parses .modinfo of a real module like readelf does", async () => {
    const ko = await fs.readFile(join(kernel.modulesDir, "kernel/drivers/virtio/virtio_pci.ko"));
    const info = moduleInfo(ko, "kernel/drivers/virtio/virtio_pci.ko");
    expect(info.name).toBe("virtio_pci");
    expect([...info.depends].sort()).toEqual(["virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_ring"]);
    expect(info.aliases).toContain("pci:v00001AF4d*sv*sd*bc*sc*i*");
    const readelf = await execa("readelf", ["-p", ".modinfo", join(kernel.modulesDir, "kernel/drivers/virtio/virtio_pci.ko")], { reject: false });
    if (readelf.exitCode === 0 && !readelf.failed) {
      const theirs = [...readelf.stdout.matchAll(/^\s*\[\s*[0-9a-f]+\]\s+(.*)$/gm)].map((m) => m[1]);
      expect(readModinfoPairs(ko).map(([k, v]) => `${k}=${v}`)).toEqual(theirs);
    }
  });

  it("is cached the second time, with the same digest", async () => {
    const again = await buildKernel(testContext(options));
    expect(again.cached).toBe(true);
    expect(again.digest).toBe(kernel.digest);
    expect(again.modules).toEqual(kernel.modules);
  });

  it("names an unknown module with close matches and leaves nothing behind", async () => {
    const ctx = testContext({ boot: { initrd: { kernelModules: ["virtio_blck"] } } });
    await expect(buildKernel(ctx)).rejects.toThrow(/no module named "virtio_blck"; close matches: virtio_blk/);
  }, 120_000);

  it("writeKernelOutputs copies the image, config, System.map and module subset", async () => {
    const out = await mkdtemp(join(tmpdir(), "notos-kernel-out-"));
    await fs.mkdir(join(out, "lib/modules/stale"), { recursive: true });
    await writeKernelOutputs(kernel, out);
    expect((await fs.readdir(out)).sort()).toEqual(["System.map", "bzImage", "config", "lib"]);
    expect(await fs.readdir(join(out, "lib/modules"))).toEqual([kernel.version]);
    expect(Buffer.compare(await fs.readFile(join(out, "bzImage")), await fs.readFile(kernel.image))).toBe(0);
    await fs.rm(out, { recursive: true });
  });
});
