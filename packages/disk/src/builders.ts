// The builders, as a third-party author writes them with @notos/core's
// public API: each reads its slice of the `disk` options, takes the
// system's kernel, initrd, command line and root as typed inputs, and names
// its files for dist/. Four steps, so each is cached on exactly what it
// depends on (an /etc edit changes the root: the UKI, the ESP and the
// images follow, the kernel and initrd answer from the store):
//   disk-uki    kernel + initrd + command line → BOOTX64.EFI (systemd's stub)
//   disk-esp    the EFI system partition (FAT): the UKI and syslinux
// The ESP, the image and the ISO take the UKI through `ukiSlot`: disk-uki's,
// unless a builder of the system provides the slot (@notos/sign's sign-uki
// does, with the UKI signed for Secure Boot).
//   disk-image  GPT: ESP + root partition → disk.img, disk.qcow2
//   disk-iso    hybrid ISO (El Torito BIOS and UEFI, GPT) → disk.iso, bootable
//               from a CD drive too
import { createHash } from "node:crypto";
import { closeSync, openSync, promises as fs, readSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { defineBuilder, defineSlot, type Artifact } from "@notos/core";
import { commandLine, initrd } from "@notos/initrd";
import { kernel } from "@notos/kernel";
import { rootfs } from "@notos/rootfs";
import { imageCommandLine, osRelease, rootSpec, syslinuxConfig } from "./cmdline.js";
import { filesFromDebs } from "./debs.js";
import { DiskError } from "./errors.js";
import { writeFatImage } from "./fat.js";
import { ALIGN, LEGACY_BIOS_BOOTABLE, SECTOR, gptLayout, gptStructures, readGpt, type GptLayout } from "./gpt.js";
import { PARTITION_TYPES, guidFrom, guidToBytes } from "./guid.js";
import { parseSize } from "./options.js";
import { addPeSections } from "./pe.js";
import { runTool, toolVersion } from "./tools.js";

const STUB = "/usr/lib/systemd/boot/efi/linuxx64.efi.stub";
const GPTMBR = "/usr/lib/syslinux/mbr/gptmbr.bin";
const ISOLINUX = "/usr/lib/ISOLINUX/isolinux.bin";
const ISOHDPFX = "/usr/lib/ISOLINUX/isohdpfx.bin";
const LDLINUX = "/usr/lib/syslinux/modules/bios/ldlinux.c32";

/** Where the UEFI firmware looks on removable media and on a disk without boot entries. */
export const UKI_PATH = "/EFI/BOOT/BOOTX64.EFI";
export const DIST_NAMES = { raw: "disk.img", qcow2: "disk.qcow2", iso: "disk.iso" } as const;

async function sha256File(file: string): Promise<Buffer> {
  const h = createHash("sha256");
  for await (const chunk of (await fs.open(file)).createReadStream()) h.update(chunk as Buffer);
  return h.digest();
}

// ---------------------------------------------------------------- disk-uki

export interface UkiArtifact extends Artifact {
  /** The Unified Kernel Image. */
  efi: string;
  /** The command line inside it (and in syslinux.cfg / isolinux.cfg). */
  commandLine: string;
  /** The root partition's unique GUID: a hash of root.squashfs. */
  rootGuid: string;
}

export const uki = defineBuilder({
  name: "disk-uki",
  version: "1",
  description: "A Unified Kernel Image: systemd's EFI stub with the kernel, the initrd and the images' command line (root by partition).",
  reads: ["disk.rootBy", "disk.rootLabel", "system.name", "system.version"],
  inputs: { kernel, initrd, commandLine, rootfs },
  packages: () => [{ name: "disk-efi-stub", roots: ["systemd-boot-efi"], dependencies: "none" }],
  async build({ options, inputs, out, packages, reporter }): Promise<{ commandLine: string; rootGuid: string }> {
    const rootGuid = guidFrom("notos root partition", await sha256File(inputs.rootfs.image));
    const cmdline = imageCommandLine(inputs.commandLine.text, rootSpec({ rootBy: options.disk.rootBy, rootGuid, rootLabel: options.disk.rootLabel }));
    reporter.step("writing", "the unified kernel image");
    const stub = (await filesFromDebs(await packages("disk-efi-stub"), [STUB])).get(STUB)!;
    const text = (s: string) => new TextEncoder().encode(s);
    const image = addPeSections(stub, [
      { name: ".osrel", data: text(osRelease(options.system)) },
      { name: ".cmdline", data: text(cmdline) },
      { name: ".linux", data: await fs.readFile(inputs.kernel.image) },
      { name: ".initrd", data: await fs.readFile(inputs.initrd.file) },
    ]);
    await fs.writeFile(join(out, "BOOTX64.EFI"), image);
    return { commandLine: cmdline, rootGuid };
  },
  artifact: (entry): UkiArtifact => ({
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    efi: join(entry.path, "BOOTX64.EFI"),
    commandLine: entry.meta.commandLine,
    rootGuid: entry.meta.rootGuid,
  }),
});

/**
 * The UKI the disk images carry: disk-uki's, unless a builder of the system
 * provides this slot (a signed UKI). A provider's artifact is a UkiArtifact
 * of the same command line and root GUID.
 */
export const ukiSlot = defineSlot<UkiArtifact>("uki", uki);

// ---------------------------------------------------------------- disk-esp

export interface EspArtifact extends Artifact {
  /** The FAT image of the EFI system partition. */
  image: string;
  size: number;
}

export const esp = defineBuilder({
  name: "disk-esp",
  version: "3",
  description: "The EFI system partition (FAT): the UKI as \\EFI\\BOOT\\BOOTX64.EFI for UEFI, syslinux with the kernel and initrd for BIOS.",
  reads: ["disk.firmware"],
  inputs: { uki: ukiSlot, kernel, initrd },
  fingerprint: async (o) => ({
    "mkfs.vfat": await toolVersion("mkfs.vfat", ["--help"], "the EFI system partition"),
    mtools: await toolVersion("mcopy", ["--version"], "the EFI system partition"),
    ...(o.disk.firmware.includes("bios") ? { syslinux: await toolVersion("syslinux", ["--version"], '"bios" in disk.firmware') } : {}),
  }),
  async build({ options, inputs, out, reporter, sourceDateEpoch }): Promise<{ size: number }> {
    const bios = options.disk.firmware.includes("bios");
    const files = [];
    if (options.disk.firmware.includes("uefi")) files.push({ path: UKI_PATH, source: inputs.uki.efi });
    if (bios) {
      const cfg = join(out, "syslinux.cfg");
      await fs.writeFile(cfg, syslinuxConfig({ kernel: "/syslinux/linux", initrd: "/syslinux/initrd", commandLine: inputs.uki.commandLine }));
      files.push({ path: "/syslinux/linux", source: inputs.kernel.image }, { path: "/syslinux/initrd", source: inputs.initrd.file }, { path: "/syslinux/syslinux.cfg", source: cfg });
    }
    reporter.step("writing", "the EFI system partition");
    const image = join(out, "esp.img");
    const size = await writeFatImage(image, {
      files,
      label: "NOTOS-ESP",
      volumeId: inputs.uki.rootGuid.slice(0, 8),
      // The ESP is the first partition, at 1 MiB, on every image this package writes.
      hiddenSectors: ALIGN / SECTOR,
      ...(bios ? { syslinuxDirectory: "/syslinux" } : {}),
      epoch: sourceDateEpoch,
    });
    if (bios) await fs.rm(join(out, "syslinux.cfg"));
    return { size };
  },
  artifact: (entry): EspArtifact => ({ builder: entry.builder, path: entry.path, digest: entry.digest, cached: entry.cached, image: join(entry.path, "esp.img"), size: entry.meta.size }),
});

// ---------------------------------------------------------------- disk-image

export interface DiskImageArtifact extends Artifact {
  /** disk.img, when "raw" is in disk.formats. */
  raw?: string;
  /** disk.qcow2, when "qcow2" is in disk.formats. */
  qcow2?: string;
  /** The GPT as written (GUIDs as text, attributes as strings). */
  layout?: JsonLayout;
}

type JsonLayout = Omit<GptLayout, "partitions"> & { partitions: (Omit<GptLayout["partitions"][number], "attributes"> & { attributes: string })[] };

/** Copy `from` into the open file at `offset`, in chunks. */
async function copyInto(fd: FileHandle, from: string, offset: number): Promise<void> {
  const src = await fs.open(from);
  try {
    const buf = Buffer.alloc(4 * 1024 * 1024);
    for (let pos = 0; ; ) {
      const { bytesRead } = await src.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      await fd.write(buf, 0, bytesRead, offset + pos);
      pos += bytesRead;
    }
  } finally {
    await src.close();
  }
}

export const diskImage = defineBuilder({
  name: "disk-image",
  version: "1",
  description: "The GPT disk: the EFI system partition and the root partition (root.squashfs), as disk.img (raw) and disk.qcow2.",
  reads: ["disk.formats", "disk.firmware", "disk.size", "disk.rootLabel"],
  inputs: { esp, uki: ukiSlot, rootfs },
  packages: (o) => (o.disk.firmware.includes("bios") ? [{ name: "disk-syslinux", roots: ["syslinux-common"], dependencies: "none" }] : []),
  fingerprint: async (o): Promise<Record<string, string>> => (o.disk.formats.includes("qcow2") ? { "qemu-img": await toolVersion("qemu-img", ["--version"], '"qcow2" in disk.formats') } : {}),
  async build({ options, inputs, out, packages, reporter, sourceDateEpoch }): Promise<{ layout?: JsonLayout }> {
    const { formats, firmware } = options.disk;
    if (!formats.includes("raw") && !formats.includes("qcow2")) return {};
    const espSize = (await fs.stat(inputs.esp.image)).size;
    const rootSize = (await fs.stat(inputs.rootfs.image)).size;
    const espGuid = guidFrom("notos EFI system partition", await sha256File(inputs.esp.image));
    const diskSize = parseSize(options.disk.size);
    const layout = gptLayout({
      partitions: [
        { name: "EFI system partition", type: PARTITION_TYPES.esp, guid: espGuid, size: espSize, attributes: firmware.includes("bios") ? LEGACY_BIOS_BOOTABLE : 0n },
        { name: options.disk.rootLabel, type: PARTITION_TYPES.rootX86_64, guid: inputs.uki.rootGuid, size: rootSize },
      ],
      diskGuid: guidFrom("notos disk", espGuid, inputs.uki.rootGuid, options.disk.size),
      ...(diskSize !== undefined ? { diskSize } : {}),
      option: `disk.size ("${options.disk.size}")`,
    });
    const bootCode = firmware.includes("bios") ? (await filesFromDebs(await packages("disk-syslinux"), [GPTMBR])).get(GPTMBR)! : undefined;
    const { head, tail } = gptStructures(layout, bootCode ? { bootCode } : {});
    reporter.step("writing", `disk.img (${Math.round(layout.diskSize / ALIGN)} MiB)`);
    const raw = join(out, DIST_NAMES.raw);
    const fd = await fs.open(raw, "w");
    try {
      await fd.truncate(layout.diskSize); // sparse: the free space takes no room
      await fd.write(head, 0, head.length, 0);
      await copyInto(fd, inputs.esp.image, layout.partitions[0]!.firstLba * SECTOR);
      await copyInto(fd, inputs.rootfs.image, layout.partitions[1]!.firstLba * SECTOR);
      await fd.write(tail, 0, tail.length, layout.diskSize - tail.length);
    } finally {
      await fd.close();
    }
    if (formats.includes("qcow2")) {
      reporter.step("converting", "disk.img → disk.qcow2");
      await runTool("qemu-img", ["convert", "-q", "-f", "raw", "-O", "qcow2", raw, join(out, DIST_NAMES.qcow2)], { epoch: sourceDateEpoch, neededBy: '"qcow2" in disk.formats' });
    }
    if (!formats.includes("raw")) await fs.rm(raw);
    return { layout: { ...layout, partitions: layout.partitions.map((p) => ({ ...p, attributes: String(p.attributes) })) } };
  },
  artifact: (entry, { options }): DiskImageArtifact => ({
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    ...(options.disk.formats.includes("raw") ? { raw: join(entry.path, DIST_NAMES.raw) } : {}),
    ...(options.disk.formats.includes("qcow2") ? { qcow2: join(entry.path, DIST_NAMES.qcow2) } : {}),
    ...(entry.meta.layout ? { layout: entry.meta.layout } : {}),
  }),
  dist: (a): Record<string, string> => ({ ...(a.raw ? { [DIST_NAMES.raw]: a.raw } : {}), ...(a.qcow2 ? { [DIST_NAMES.qcow2]: a.qcow2 } : {}) }),
});

// ---------------------------------------------------------------- disk-iso

export interface IsoArtifact extends Artifact {
  /** disk.iso, when "iso" is in disk.formats. */
  iso?: string;
}

/** GPT entry number of the root partition in the ISO (after xorriso's gap partition 1 and the EFI image, 2). */
const ISO_ROOT_PARTITION = 3;

/**
 * xorriso derives partition GUIDs from the disk GUID by XOR-ing the
 * partition number into byte 9. The disk GUID (as xorriso's 32 hex digits,
 * on-disk byte order) that gives the root partition `rootGuid`; the build
 * reads the GPT back and fails if xorriso ever does otherwise.
 */
export function isoDiskGuidHex(rootGuid: string): string {
  const b = guidToBytes(rootGuid);
  b[9] = b[9]! ^ ISO_ROOT_PARTITION;
  return Buffer.from(b).toString("hex");
}

export const iso = defineBuilder({
  name: "disk-iso",
  version: "3",
  description: "The hybrid ISO: El Torito for BIOS (isolinux) and UEFI (an EFI image with the UKI), and a GPT with that image and the root partition for USB sticks and virtual disks.",
  reads: ["disk.formats", "disk.firmware", "disk.rootBy"],
  inputs: { uki: ukiSlot, kernel, initrd, rootfs },
  packages: (o) =>
    o.disk.formats.includes("iso") && o.disk.firmware.includes("bios") ? [{ name: "disk-isolinux", roots: ["isolinux", "syslinux-common"], dependencies: "none" }] : [],
  fingerprint: async (o): Promise<Record<string, string>> =>
    o.disk.formats.includes("iso")
      ? {
          xorriso: await toolVersion("xorriso", ["-version"], '"iso" in disk.formats'),
          "mkfs.vfat": await toolVersion("mkfs.vfat", ["--help"], '"iso" in disk.formats'),
          mtools: await toolVersion("mcopy", ["--version"], '"iso" in disk.formats'),
        }
      : {},
  async build({ options, inputs, out, packages, reporter, sourceDateEpoch }): Promise<Record<string, never>> {
    const { formats, firmware, rootBy } = options.disk;
    if (!formats.includes("iso")) return {};
    if (rootBy !== "partuuid") {
      throw new DiskError('The ISO\'s root partition has no name of its own, so disk.rootBy "partlabel" cannot find it.', {
        code: "DISK_ISO_ROOT_BY",
        hint: 'set disk.rootBy to "partuuid" (the default), or remove "iso" from disk.formats',
      });
    }
    const tree = join(out, "tree");
    const args = ["-as", "mkisofs", "-o", join(out, DIST_NAMES.iso), "-V", "NOTOS", "-R", "-J", "--modification-date=" + isoDate(sourceDateEpoch), "--gpt_disk_guid", isoDiskGuidHex(inputs.uki.rootGuid)];
    await fs.mkdir(join(tree, "isolinux"), { recursive: true });
    if (firmware.includes("bios")) {
      const f = await filesFromDebs(await packages("disk-isolinux"), [ISOLINUX, ISOHDPFX, LDLINUX]);
      await fs.writeFile(join(tree, "isolinux", "isolinux.bin"), f.get(ISOLINUX)!);
      await fs.writeFile(join(tree, "isolinux", "ldlinux.c32"), f.get(LDLINUX)!);
      await fs.writeFile(join(out, "isohdpfx.bin"), f.get(ISOHDPFX)!);
      await fs.copyFile(inputs.kernel.image, join(tree, "isolinux", "linux"));
      await fs.copyFile(inputs.initrd.file, join(tree, "isolinux", "initrd"));
      await fs.writeFile(join(tree, "isolinux", "isolinux.cfg"), syslinuxConfig({ kernel: "/isolinux/linux", initrd: "/isolinux/initrd", commandLine: inputs.uki.commandLine }));
      args.push("-isohybrid-mbr", join(out, "isohdpfx.bin"), "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table");
    }
    // The UEFI boot image holds the UKI alone: El Torito counts an image's
    // size in 512-byte sectors in 16 bits, so it must stay under 32 MiB
    // (the disk's ESP, with syslinux's copies of kernel and initrd, does not).
    const efiboot = join(out, "efiboot.img");
    await writeFatImage(efiboot, { files: [{ path: UKI_PATH, source: inputs.uki.efi }], label: "NOTOS-EFI", volumeId: inputs.uki.rootGuid.slice(0, 8), hiddenSectors: 0, epoch: sourceDateEpoch });
    if ((await fs.stat(efiboot)).size > 0xffff * SECTOR) {
      throw new DiskError(`The ISO's EFI boot image is ${(await fs.stat(efiboot)).size} bytes; El Torito can load at most 32 MiB.`, {
        code: "DISK_ISO_EFI_SIZE",
        hint: 'a smaller kernel or initrd (boot.initrd.compression "xz"), or remove "uefi" from disk.firmware',
      });
    }
    args.push("-append_partition", "2", "0xef", efiboot, "-append_partition", String(ISO_ROOT_PARTITION), PARTITION_TYPES.rootX86_64, inputs.rootfs.image, "-appended_part_as_gpt");
    if (firmware.includes("uefi")) args.push(...(firmware.includes("bios") ? ["-eltorito-alt-boot"] : []), "-e", "--interval:appended_partition_2:all::", "-no-emul-boot");
    // Every file's time is the epoch, so the directory records are the same on every build.
    await setTimes(tree, sourceDateEpoch);
    args.push(tree);
    reporter.step("writing", "disk.iso");
    await runTool("xorriso", args, { epoch: sourceDateEpoch, neededBy: '"iso" in disk.formats' });
    await fs.rm(tree, { recursive: true });
    await fs.rm(join(out, "isohdpfx.bin"), { force: true });
    await fs.rm(efiboot);
    checkIsoRoot(join(out, DIST_NAMES.iso), inputs.uki.rootGuid);
    return {};
  },
  artifact: (entry, { options }): IsoArtifact => ({
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    ...(options.disk.formats.includes("iso") ? { iso: join(entry.path, DIST_NAMES.iso) } : {}),
  }),
  dist: (a): Record<string, string> => (a.iso ? { [DIST_NAMES.iso]: a.iso } : {}),
});

/** xorriso's --modification-date: YYYYMMDDhhmmsscc in UTC. */
export function isoDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/[-T:]/g, "").slice(0, 14) + "00";
}

async function setTimes(dir: string, epoch: number): Promise<void> {
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await setTimes(p, epoch);
    await fs.utimes(p, epoch, epoch);
  }
  await fs.utimes(dir, epoch, epoch);
}

/** The ISO's GPT must name the root partition by the GUID the command line asks for. */
function checkIsoRoot(file: string, rootGuid: string): void {
  const fd = openSync(file, "r");
  try {
    const table = readGpt((offset, length) => {
      const b = Buffer.alloc(length);
      readSync(fd, b, 0, length, offset);
      return b;
    });
    const root = table.entries.find((e) => e.type === PARTITION_TYPES.rootX86_64);
    if (root?.guid !== rootGuid) {
      throw new DiskError(`xorriso gave the ISO's root partition the GUID ${root?.guid ?? "(no root partition)"}, not ${rootGuid}, so its command line would not find it.`, {
        code: "DISK_ISO_GPT",
        hint: "this xorriso derives partition GUIDs differently: report it with `xorriso -version`",
      });
    }
  } finally {
    closeSync(fd);
  }
}
