// The images of the disk system as a user gets them in dist/, read back
// with this package's readers and with the tools a user would reach for
// (qemu-img, xorriso, objdump, mtools): the GPT, the UKI's sections, the
// ESP's files, the ISO's boot records. Then what makes them trustworthy:
// the builders give the same bytes at another time in another directory,
// and bad input stops with an error that names the option, leaving dist/
// as it was. (Booting them is boot.test.ts.)
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, evalSystem, type Artifact, type Builder } from "@notos/core";
import { optionSlice } from "@notos/core/graph";
import { silentReporter } from "@notos/core/progress";
import { debianPackageSource } from "@notos/debian";
import { DiskError, diskImage, diskModule, esp, iso, uki, type UkiArtifact } from "../src/index.js";
import { LEGACY_BIOS_BOOTABLE, PARTITION_TYPES, SECTOR, readGpt } from "../src/public/gpt.js";
import { readPe } from "../src/public/pe.js";
import { toolVersion } from "../src/tools.js";
import { buildDiskSystem, type DiskTestSystem } from "./system.js";

let sys: DiskTestSystem;

beforeAll(async () => {
  sys = await buildDiskSystem();
}, 1_200_000);

const dist = (name: string) => join(sys.dist, name);

function gptOf(file: string) {
  const fd = openSync(file, "r");
  try {
    return readGpt((offset, length) => {
      const b = Buffer.alloc(length);
      readSync(fd, b, 0, length, offset);
      return b;
    });
  } finally {
    closeSync(fd);
  }
}

describe("dist/ of a system with diskModule", () => {
  it("holds disk.img, disk.qcow2 and disk.iso beside the direct-boot files", () => {
    expect(readdirSync(sys.dist).sort()).toEqual(["command-line", "disk.img", "disk.iso", "disk.qcow2", "initrd", "kernel", "root.squashfs", "runvm", "sbom.cdx.json", "sbom.spdx.json"]);
  });

  it("disk.img: a GPT with the ESP (BIOS-bootable) and the root partition holding root.squashfs, backup header at the end", () => {
    const t = gptOf(dist("disk.img"));
    const size = readFileSync(dist("disk.img")).length;
    expect(t.currentLba).toBe(1);
    expect(t.backupLba).toBe(size / SECTOR - 1);
    expect(t.entries.map((e) => [e.number, e.name, e.type])).toEqual([
      [1, "EFI system partition", PARTITION_TYPES.esp],
      [2, "notos-root", PARTITION_TYPES.rootX86_64],
    ]);
    expect(t.entries[0]!.attributes & LEGACY_BIOS_BOOTABLE).toBe(LEGACY_BIOS_BOOTABLE);
    const backup = readGpt((offset, length) => readFileSync(dist("disk.img")).subarray(offset, offset + length), t.backupLba);
    expect(backup.entries).toEqual(t.entries);
    const image = readFileSync(dist("disk.img"));
    const root = t.entries[1]!;
    const squashfs = readFileSync(dist("root.squashfs"));
    expect(image.subarray(root.firstLba * SECTOR, root.firstLba * SECTOR + squashfs.length).equals(squashfs)).toBe(true);
    // The MBR is syslinux's gptmbr.bin and a protective 0xEE partition.
    expect(image[446 + 4]).toBe(0xee);
    expect(image.subarray(510, 512)).toEqual(Buffer.from([0x55, 0xaa]));
    expect(image.subarray(0, 440).some((b) => b !== 0)).toBe(true);
  });

  it("the root's PARTUUID is the one the UKI's command line asks for", () => {
    const u = sys.built.artifacts.get("disk-uki") as UkiArtifact;
    // root= first, then the system's own parameters (qemuGuest's).
    expect(u.commandLine).toMatch(new RegExp(`^root=PARTUUID=${u.rootGuid} console=ttyS0 panic=1( |$)`));
    expect(gptOf(dist("disk.img")).entries[1]!.guid).toBe(u.rootGuid);
    expect(gptOf(dist("disk.iso")).entries.find((e) => e.type === PARTITION_TYPES.rootX86_64)!.guid).toBe(u.rootGuid);
  });

  it("disk.qcow2 holds the same disk as disk.img (qemu-img compare)", async () => {
    const r = await execa("qemu-img", ["compare", "-f", "raw", "-F", "qcow2", dist("disk.img"), dist("disk.qcow2")], { reject: false });
    expect(r.stdout + r.stderr).toMatch(/Images are identical/);
    expect(r.exitCode).toBe(0);
  });

  it("the ESP holds the UKI and syslinux with the kernel and initrd (mtools reads it)", async () => {
    const t = gptOf(dist("disk.img"));
    const at = `${dist("disk.img")}@@${t.entries[0]!.firstLba * SECTOR}`;
    const { stdout } = await execa("mdir", ["-i", at, "-/", "-a", "-b", "::/"], { env: { MTOOLS_SKIP_CHECK: "1" } });
    expect(stdout.split("\n").map((l) => l.trim().toLowerCase()).filter(Boolean).sort()).toEqual(
      ["::/efi/", "::/efi/boot/", "::/efi/boot/bootx64.efi", "::/syslinux/", "::/syslinux/initrd", "::/syslinux/ldlinux.c32", "::/syslinux/ldlinux.sys", "::/syslinux/linux", "::/syslinux/syslinux.cfg"].sort(),
    );
    const cfg = await execa("mtype", ["-i", at, "::/syslinux/syslinux.cfg"], { env: { MTOOLS_SKIP_CHECK: "1" } });
    expect(cfg.stdout).toContain(`APPEND ${(sys.built.artifacts.get("disk-uki") as UkiArtifact).commandLine}`);
  });

  it("the UKI is systemd's stub with .osrel, .cmdline, .linux and .initrd (objdump agrees)", async () => {
    const u = sys.built.artifacts.get("disk-uki") as UkiArtifact;
    const efi = readFileSync(u.efi);
    const pe = readPe(efi);
    const ours = pe.sections.slice(-4);
    expect(ours.map((s) => s.name)).toEqual([".osrel", ".cmdline", ".linux", ".initrd"]);
    const at = (s: (typeof ours)[number]) => efi.subarray(s.rawOffset, s.rawOffset + s.virtualSize);
    expect(at(ours[1]!).toString()).toBe(u.commandLine);
    expect(at(ours[2]!).equals(readFileSync(dist("kernel")))).toBe(true);
    expect(at(ours[3]!).equals(readFileSync(dist("initrd")))).toBe(true);
    expect(at(ours[0]!).toString()).toMatch(/^NAME="notos"\n/);
    const { stdout } = await execa("objdump", ["-h", u.efi]);
    for (const s of ours) expect(stdout).toMatch(new RegExp(`\\${s.name}\\s+${s.virtualSize.toString(16).padStart(8, "0")}\\s+0*${s.virtualAddress.toString(16)}\\s`));
    expect(pe.timeDateStamp).toBe(0);
  });

  it("disk.iso has El Torito boot images for BIOS (isolinux) and UEFI (the ESP)", async () => {
    const { stdout } = await execa("xorriso", ["-indev", dist("disk.iso"), "-report_el_torito", "plain"], { all: true });
    expect(stdout).toMatch(/El Torito boot img :\s+1\s+BIOS\s+y\s+none/);
    // The UEFI image's load size (512-byte sectors, 16 bits) must hold it whole: OVMF loads no more.
    const uefi = /El Torito boot img :\s+2\s+UEFI\s+y\s+none\s+0x0000\s+0x00\s+(\d+)/.exec(stdout);
    expect(uefi, stdout).not.toBeNull();
    expect(Number(uefi![1])).toBeGreaterThan((readFileSync((sys.built.artifacts.get("disk-uki") as UkiArtifact).efi).length) / 512);
    expect(stdout).toMatch(/El Torito img path :\s+1\s+\/isolinux\/isolinux\.bin/);
  });
});

/** The four disk builders run straight from the built system's kernel, initrd, command line and root, into `root`. */
async function rebuild(root: string) {
  const source = debianPackageSource({ debian: sys.config.debian, lockFile: join(sys.dir, "notos.lock.json"), reporter: silentReporter });
  const a = (name: string) => sys.built.artifacts.get(name)!;
  const run = async (b: Builder, inputs: Record<string, Artifact>, options: unknown = optionSlice(sys.config, b.reads)): Promise<Artifact> => {
    const out = join(root, b.name);
    mkdirSync(out, { recursive: true });
    const sets = b.packageSets(options);
    const meta = await b.build({
      options,
      inputs,
      out,
      reporter: silentReporter,
      packages: (name) => source.fetch(sets.find((s) => s.name === name)!),
      sourceDateEpoch: sys.built.epoch,
      definitions: new Map(),
    });
    return b.artifact({ builder: b.name, path: out, digest: "", cached: false, meta }, { options, inputs });
  };
  const base = { kernel: a("kernel"), initrd: a("initrd"), commandLine: a("command-line"), rootfs: a("rootfs") };
  const u = await run(uki, base);
  const e = await run(esp, { uki: u, kernel: base.kernel, initrd: base.initrd });
  await run(diskImage, { esp: e, uki: u, rootfs: base.rootfs });
  await run(iso, { uki: u, kernel: base.kernel, initrd: base.initrd, rootfs: base.rootfs });
  return { run, u, e, base };
}

let rebuilt: Awaited<ReturnType<typeof rebuild>>;

describe("reproducible", () => {
  it("gives the same bytes at another time, in another directory", async () => {
    const first = mkdtempSync(join(tmpdir(), "notos-disk-repro-"));
    await new Promise((r) => setTimeout(r, 1500)); // another second on the clock than dist/'s build
    rebuilt = await rebuild(first);
    for (const [builder, file, name] of [["disk-image", "disk.img", "disk.img"], ["disk-image", "disk.qcow2", "disk.qcow2"], ["disk-iso", "disk.iso", "disk.iso"]] as const) {
      expect(readFileSync(join(first, builder, file)).equals(readFileSync(dist(name))), name).toBe(true);
    }
  });
});

describe("bad input", () => {
  it("a disk size smaller than the content names disk.size and the size needed", async () => {
    const { run, u, e, base } = rebuilt ?? (await rebuild(mkdtempSync(join(tmpdir(), "notos-disk-small-"))));
    const options = { disk: { ...sys.config.disk, size: "16M" } };
    await expect(run(diskImage, { esp: e, uki: u, rootfs: base.rootfs }, options)).rejects.toThrow(/disk\.size \("16M"\) is 16777216 bytes, but the partitions need at least \d+ bytes/);
    await expect(run(diskImage, { esp: e, uki: u, rootfs: base.rootfs }, options)).rejects.toMatchObject({ code: "DISK_SIZE" });
  });

  it("a failed image build leaves dist/ as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notos-disk-keep-"));
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist", "kept"), "from the last good build\n");
    await expect(buildDiskSystem({ disk: { size: "16M" } }, { dir })).rejects.toBeInstanceOf(DiskError);
    expect(readdirSync(join(dir, "dist"))).toEqual(["kept"]);
  });

  it("an unknown format or firmware is a configuration error naming the option", () => {
    expect(() => evalSystem({ imports: [diskModule], disk: { formats: ["vmdk"] } } as never)).toThrow(ConfigError);
    expect(() => evalSystem({ imports: [diskModule], disk: { formats: ["vmdk"] } } as never)).toThrow(/disk\.formats/);
    expect(() => evalSystem({ imports: [diskModule], disk: { firmware: ["coreboot"] } } as never)).toThrow(/disk\.firmware/);
    expect(() => evalSystem({ imports: [diskModule], disk: { size: "two gigs" } })).toThrow(/disk\.size/);
  });

  it("a missing host tool says which Debian package to install and which option needs it", async () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), "notos-empty-path-"));
    try {
      await expect(toolVersion("xorriso", ["-version"], '"iso" in disk.formats')).rejects.toThrow(/xorriso is not installed; "iso" in disk\.formats needs it/);
      await expect(iso.fingerprint({ disk: { formats: ["iso"], firmware: ["uefi"], rootBy: "partuuid" } })).rejects.toMatchObject({
        code: "DISK_TOOL",
        hint: expect.stringMatching(/install the Debian package xorriso .*or change disk\.formats/),
      });
    } finally {
      process.env.PATH = path;
    }
    expect(existsSync(dist("disk.iso"))).toBe(true);
  });
});
