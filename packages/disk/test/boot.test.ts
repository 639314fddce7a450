// The disk system booted from its images, under real QEMU (TCG) and real
// firmware, one boot each: disk.img under UEFI (OVMF → the UKI), disk.qcow2
// under BIOS (SeaBIOS → gptmbr.bin → syslinux), disk.iso in a CD drive
// under BIOS (El Torito → isolinux) and UEFI (El Torito → the UKI); from a
// CD the root partition comes through a loop device, since a CD shows the
// kernel no partitions. Each must get to ssh and nginx, with the root
// found by its PARTUUID, as the default system's direct boot does. One build
// (shared with images.test.ts through the store), four boots.
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Machine, type BootMedia } from "@notos/qemu";
import type { UkiArtifact } from "../src/index.js";
import { buildDiskSystem, type DiskTestSystem } from "./system.js";

let sys: DiskTestSystem;

beforeAll(async () => {
  sys = await buildDiskSystem();
}, 1_200_000);

const forms: { name: string; file: string; media: Omit<BootMedia, "file">; loader: RegExp; device: string }[] = [
  // Under UEFI the firmware's line names the medium it started (the EFI stub says nothing on a `quiet` command line).
  { name: "disk.img under UEFI", file: "disk.img", media: { firmware: "uefi" }, loader: /BdsDxe: starting Boot\d+ "UEFI Misc Device"/, device: "/dev/vda2" },
  { name: "disk.qcow2 under BIOS", file: "disk.qcow2", media: { format: "qcow2", firmware: "bios" }, loader: /SYSLINUX 6\.\d+/, device: "/dev/vda2" },
  { name: "disk.iso on a CD drive under BIOS", file: "disk.iso", media: { firmware: "bios", cdrom: true }, loader: /ISOLINUX 6\.\d+/, device: "/dev/loop" },
  { name: "disk.iso on a CD drive under UEFI", file: "disk.iso", media: { firmware: "uefi", cdrom: true }, loader: /BdsDxe: starting Boot\d+ "UEFI QEMU DVD-ROM/, device: "/dev/loop" },
];

for (const form of forms) {
  describe(form.name, () => {
    let machine: Machine;

    beforeAll(async () => {
      machine = new Machine({
        dist: sys.dist,
        config: sys.config,
        accel: "tcg",
        media: { file: join(sys.dist, form.file), ...form.media },
        consoleLog: join(sys.dir, `console-${form.name.replace(/\W+/g, "-")}.log`),
      });
      const t0 = Date.now();
      await machine.start();
      await machine.waitForConsole(/enter stage: \/etc\/runit\/2/, 240_000);
      console.log(`${form.name}: runit stage 2 after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }, 300_000);

    afterAll(() => machine?.kill());

    it("boots through its loader and finds the root partition by PARTUUID", () => {
      const text = machine.consoleText();
      const u = sys.built.artifacts.get("disk-uki") as UkiArtifact;
      expect(text).toMatch(form.loader);
      expect(text).toContain(`notos stage 1: root device PARTUUID=${u.rootGuid} is ${form.device}`);
      expect(text).toMatch(/notos stage 1: switching to \/usr\/lib\/notos\/stage-2/);
      expect(text).not.toMatch(/FAILED/);
    });

    it("answers ssh and http", async () => {
      const ssh = await retry(async () => {
        const r = await machine.ssh("echo $(id -un) $(hostname)", { key: sys.key, timeoutMs: 30_000 });
        return r.status === 0 ? r.stdout.trim() : undefined;
      }, 120_000);
      expect(ssh).toBe("root notos");
      const page = await retry(async () => {
        const r = await execa("curl", ["-sSf", "--max-time", "20", `http://127.0.0.1:${machine.forwardedPort(80)}/`], { reject: false });
        return r.exitCode === 0 ? r.stdout : undefined;
      }, 60_000);
      expect(page).toMatch(/notos/i);
      // This boot's command line is the image's own (root by partition), not a direct boot's;
      // syslinux and isolinux add BOOT_IMAGE= and initrd= around it.
      const u = sys.built.artifacts.get("disk-uki") as UkiArtifact;
      expect(await machine.succeed("cat /proc/cmdline")).toContain(u.commandLine);
    }, 240_000);
  });
}

async function retry<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
