// A FAT file system in an image file, without mounting it: mkfs.vfat makes
// it (--invariant: no random volume id, no clock), mtools puts directories
// and files in (with SOURCE_DATE_EPOCH as every time stamp), and syslinux
// --install writes its boot sector and ldlinux through mtools too. Nothing
// needs root.
import { open, stat } from "node:fs/promises";
import { runTool } from "./tools.js";

export interface FatFile {
  /** Path in the file system, e.g. "/EFI/BOOT/BOOTX64.EFI". */
  path: string;
  /** The host file to copy. */
  source: string;
}

export interface FatImageOptions {
  files: readonly FatFile[];
  /** Volume label, at most 11 characters. */
  label: string;
  /** Volume serial number (8 hex digits). */
  volumeId: string;
  /** Sectors before the file system on its disk (the partition's start): syslinux's boot sector reads it. */
  hiddenSectors: number;
  /** Install syslinux's BIOS loader into this directory ("/syslinux"). */
  syslinuxDirectory?: string;
  epoch: number;
}

const MiB = 1024 * 1024;
/** FAT dates start in 1980: an earlier SOURCE_DATE_EPOCH (the default is 0) is stamped as 1980-01-01. */
export const FAT_EPOCH = 315532800;

/** Bytes a FAT image needs for `files`: their sizes in 4 KiB clusters, plus room for FATs, directories and ldlinux. */
export function fatImageSize(sizes: readonly number[]): number {
  const clusters = sizes.reduce((n, s) => n + Math.ceil(s / 4096) * 4096, 0);
  return Math.ceil((clusters * 1.03 + 2 * MiB) / MiB) * MiB;
}

/** The parent directories of `paths`, outermost first ("/EFI", "/EFI/BOOT"). */
export function parentDirectories(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add("/" + parts.slice(0, i).join("/"));
  }
  return [...dirs].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
}

/** Write a FAT image holding `files` to `image` and return its size in bytes. */
export async function writeFatImage(image: string, options: FatImageOptions): Promise<number> {
  const sizes = await Promise.all(options.files.map(async (f) => (await stat(f.source)).size));
  const size = fatImageSize([...sizes, ...(options.syslinuxDirectory ? [64 * 1024, 128 * 1024] : [])]);
  const fd = await open(image, "w");
  await fd.truncate(size);
  await fd.close();
  const run = (tool: "mkfs.vfat" | "mmd" | "mcopy" | "syslinux", args: string[], neededBy = "the EFI system partition") =>
    runTool(tool, args, { epoch: Math.max(options.epoch, FAT_EPOCH), neededBy });
  await run("mkfs.vfat", ["--invariant", "-i", options.volumeId, "-n", options.label, "-h", String(options.hiddenSectors), image]);
  const dirs = parentDirectories([...options.files.map((f) => f.path), ...(options.syslinuxDirectory ? [`${options.syslinuxDirectory}/x`] : [])]);
  if (dirs.length) await run("mmd", ["-i", image, ...dirs.map((d) => `::${d}`)]);
  for (const f of options.files) await run("mcopy", ["-i", image, f.source, `::${f.path}`]);
  if (options.syslinuxDirectory) await run("syslinux", ["--install", "--directory", options.syslinuxDirectory, image], '"bios" in disk.firmware');
  return size;
}
