// The `disk` options belong to this package: its builders are what read
// them, so `diskModule` declares them, and importing the module is what
// makes a system have disk images at all.
import { z } from "zod";

export const FORMATS = ["raw", "qcow2", "iso"] as const;
export const FIRMWARES = ["uefi", "bios"] as const;

/** "auto", or a size such as "512M", "2G", "1048576" (bytes), "64MiB". */
export const SIZE = /^(auto|[1-9][0-9]*(?:[KMGT](?:i?B)?)?)$/;

export const diskSchema = z
  .strictObject({
    formats: z
      .array(z.enum(FORMATS))
      .min(1)
      .default(["raw", "qcow2", "iso"])
      .describe("Which images to build into dist/: raw (disk.img), qcow2 (disk.qcow2), iso (disk.iso, a hybrid ISO)."),
    firmware: z
      .array(z.enum(FIRMWARES))
      .min(1)
      .default(["uefi", "bios"])
      .describe("Which firmware the images boot on: uefi (a Unified Kernel Image as \\EFI\\BOOT\\BOOTX64.EFI) and bios (syslinux)."),
    size: z
      .string()
      .regex(SIZE, 'a size such as "2G", "512M" or "auto"')
      .default("auto")
      .describe('Size of disk.img and disk.qcow2 ("auto": just what the partitions need). Space after the partitions is left free.'),
    rootLabel: z.string().min(1).max(36).default("notos-root").describe("GPT partition name (PARTLABEL) of the root partition."),
    rootBy: z
      .enum(["partuuid", "partlabel"])
      .default("partuuid")
      .describe("How the images' kernel command line names the root: root=PARTUUID= (from the root's content, unique) or root=PARTLABEL= (disk.rootLabel)."),
  })
  .prefault({})
  .describe("Disk images of the system (@notos/disk): a GPT disk for UEFI and BIOS, and a hybrid ISO.");

/** The declarations `diskModule` carries, keyed by option path. */
export const diskOptions = { disk: diskSchema };

declare module "@notos/core" {
  interface NotosOptions {
    disk: typeof diskSchema;
  }
}

export type DiskOptions = z.output<typeof diskSchema>;
export type DiskFormat = (typeof FORMATS)[number];
export type Firmware = (typeof FIRMWARES)[number];

/** Bytes of a `disk.size` value; undefined for "auto". */
export function parseSize(value: string): number | undefined {
  if (value === "auto") return undefined;
  const m = /^([0-9]+)([KMGT])?/.exec(value);
  if (!m || !SIZE.test(value)) throw new TypeError(`not a size: ${value}`);
  const unit = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2] as "K" | "M" | "G" | "T"] ?? 1;
  return Number(m[1]) * unit;
}
