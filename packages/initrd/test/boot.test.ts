// Real boots: the Debian kernel and our initrd under QEMU (TCG).
import { mkdirSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGraph, optionSlice, runGraph } from "@notos/core/graph";
import { fetchPackages } from "@notos/debian";
import { buildKernel, type KernelArtifact } from "@notos/kernel";
import { buildInitrd, initrd as initrdBuilder, initrdBase, type Compression, type InitrdArtifact } from "../src/index.js";
import { busyboxFromDeb } from "../src/public/busybox.js";
import { kernelCommandLine } from "../src/public/stage1.js";
import { bootOptions, realiseOptions, testContext } from "./context.js";
import { testPart } from "./part.js";
import { boot, bootAndType, printkTime } from "./qemu.js";
import { makeTestRoot, STAGE2_MARKER } from "./rootfs.js";

const ctx = testContext(bootOptions);
let kernel: KernelArtifact;
let initrd: InitrdArtifact;
/** The same base with a part appended: one file below /root-layers. */
let layered: InitrdArtifact;
let root: string;

beforeAll(async () => {
  kernel = await buildKernel(ctx);
  initrd = await buildInitrd(ctx, { kernel });
  const run = runGraph(buildGraph([initrdBuilder, testPart("from-the-initrd")]), { ...realiseOptions(ctx), definitions: new Map(), sourceDateEpoch: 0 });
  layered = (await run.realise("initrd")) as InitrdArtifact;
  const set = initrdBase.packageSets(optionSlice(ctx.config, initrdBase.reads)).find((s) => s.name === "initrd")!;
  const [pkg] = await fetchPackages(ctx, set);
  root = await makeTestRoot((await busyboxFromDeb(pkg!.file, pkg!.name)).binary, ctx.config.boot.stage2Init);
}, 600_000);

/** Keep each console log for reading after a failure. */
function keep(name: string, log: string): void {
  mkdirSync("test-results", { recursive: true });
  writeFileSync(`test-results/boot-${name}.log`, log);
}

describe("boot under QEMU", () => {
  it("runs stage 1, mounts the squashfs root with an overlay under the initrd's layers and switches to stage 2", async () => {
    const result = await boot({ kernel: kernel.image, initrd: layered.file, append: kernelCommandLine(ctx.config), drive: root, timeoutMs: 90_000 });
    const log = result.output;
    keep("switch-root", result.log);
    expect(log, log).toContain("<<< notos stage 1 >>>");
    expect(log).toContain("notos stage 1: loading kernel modules: virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio virtio_pci virtio_blk virtio_console squashfs overlay");
    expect(log).toMatch(/notos stage 1: waiting for root device \/dev\/vda/);
    expect(log).toMatch(/notos stage 1: mounting \/dev\/vda \(squashfs\) read-only/);
    expect(log).toContain("notos stage 1: loading kernel modules: virtio_rng loop");
    expect(log).toMatch(/notos stage 1: switching to \/usr\/lib\/notos\/stage-2 \(uptime \d+\.\d+ s\)/);
    expect(log).toContain(`${STAGE2_MARKER} pid=1 `);
    expect(log).toContain(`${STAGE2_MARKER} root writable: written`);
    // The uncompressed base and the appended gzip part both unpacked; the part's file is in the root with its mode and owner.
    expect(log).toContain("notos stage 1: copying the root's layers from the initrd to /layers");
    expect(log).toContain(`${STAGE2_MARKER} layer: from-the-initrd 640 0:42`);
    // With the layers comes stage 1's busybox, the boot shell of their scripts.
    expect(log).toContain(`${STAGE2_MARKER} boot shell: runs`);
    const modules = /NOTOS-TEST-STAGE-2 modules: (.*)/.exec(log)![1]!.trim().split(" ");
    expect(modules).toEqual(expect.arrayContaining(["virtio_blk", "virtio_pci", "squashfs", "overlay", "virtio_rng", "loop"]));
    const mounts = /NOTOS-TEST-STAGE-2 mounts: (.*)/.exec(log)![1]!.split(",");
    expect(mounts).toEqual(expect.arrayContaining(["/ overlay", "/proc proc", "/sys sysfs", "/dev devtmpfs", "/dev/pts devpts", "/dev/shm tmpfs", "/run tmpfs"]));
    expect(log).not.toContain("FAILED");
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);

    const switched = Number(/switching to .* \(uptime (\d+\.\d+) s\)/.exec(log)![1]);
    const initStart = printkTime(result.log, /Run \/init as init process/);
    console.log(`boot: /init at ${initStart} s, switch_root at ${switched} s guest uptime; QEMU ran ${(result.wallMs / 1000).toFixed(1)} s wall`);
  }, 120_000);

  it("reports a missing root device with the block devices found, and powers off by itself", async () => {
    // root= on the command line overrides the configured device; /dev/vdb does not exist.
    const result = await boot({ kernel: kernel.image, initrd: initrd.file, append: `${kernelCommandLine(ctx.config)} root=/dev/vdb`, drive: root, timeoutMs: 90_000 });
    const log = result.output;
    keep("no-root", result.log);
    expect(log, log).toContain("notos stage 1: kernel");
    expect(log).toMatch(/root device \/dev\/vdb/);
    expect(log).toContain("notos stage 1: FAILED: root device /dev/vdb did not appear within 5 s");
    expect(log).toMatch(/notos stage 1: block devices: .*\bvda\b/);
    expect(log).toMatch(/notos stage 1: loaded modules: .*\bvirtio_blk\b/);
    expect(log).toContain("notos stage 1: powering off");
    expect(log).not.toContain(STAGE2_MARKER);
    expect(result.log).not.toMatch(/Kernel panic/);
    expect(result.timedOut).toBe(false);
  }, 120_000);

  it("starts the emergency shell with notos.shell, and powers off when it ends", async () => {
    const result = await bootAndType(
      { kernel: kernel.image, initrd: initrd.file, append: `${kernelCommandLine(ctx.config)} root=/dev/vdb notos.shell`, timeoutMs: 90_000 },
      "starting the emergency shell",
      "echo SHELL-SAYS-$((6 * 7)) on $(readlink /proc/self/fd/0)\nexit\n",
    );
    keep("shell", result.log);
    expect(result.output, result.log).toContain("notos stage 1: FAILED: root device /dev/vdb did not appear within 5 s");
    expect(result.output).toMatch(/SHELL-SAYS-42 on \/dev\/ttyS0/);
    expect(result.output).toContain("notos stage 1: powering off");
    expect(result.timedOut).toBe(false);
  }, 120_000);

  it.each(["gzip", "xz", "zstd"] satisfies Compression[])("the kernel unpacks a %s initrd and reaches stage 2", async (compression) => {
    const options = { ...bootOptions, boot: { ...bootOptions.boot, initrd: { ...bootOptions.boot.initrd, compression } } };
    const other = await buildInitrd(testContext(options), { kernel });
    expect(other.compression).toBe(compression);
    const result = await boot({ kernel: kernel.image, initrd: other.file, append: kernelCommandLine(ctx.config), drive: root, timeoutMs: 90_000 });
    keep(`compression-${compression}`, result.log);
    expect(result.output, result.log).toContain(`${STAGE2_MARKER} pid=1 `);
    expect(result.log).not.toMatch(/Initramfs unpacking failed|Kernel panic/);
    expect(result.exitCode).toBe(0);
  }, 120_000);
});
