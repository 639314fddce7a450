// Booting from a disk image or an ISO instead of the kernel directly: the
// firmware (SeaBIOS, QEMU's default, or OVMF for UEFI) reads the boot loader
// from the image, and the image's own command line finds the root partition.
// The images are whatever a builder put into dist/ under these names
// (@notos/disk writes them); this package only knows how to attach them.
// Pure data, like args.ts: runvm and Machine build the same VM from it.
import { qemuOptValue } from "./quote.js";

/** Which firmware boots the image. */
export type BootFirmware = "bios" | "uefi";

/** A disk image or an ISO to boot from, instead of -kernel/-initrd/-append. */
export interface BootMedia {
  /** The image file. */
  file: string;
  /** Default "raw" (an ISO is raw). */
  format?: "raw" | "qcow2";
  /** Default "bios". */
  firmware?: BootFirmware;
  /** The UEFI firmware image; default OVMF_FIRMWARE. */
  ovmf?: string;
}

/** Debian's ovmf package: the combined OVMF image, which `-bios` takes (no variable store to keep). */
export const OVMF_FIRMWARE = "/usr/share/ovmf/OVMF.fd";

/** The files in dist/ that `runvm --disk` and `--iso` boot, in order of preference. */
export const MEDIA_FILES = {
  disk: [
    { name: "disk.img", format: "raw" },
    { name: "disk.qcow2", format: "qcow2" },
  ],
  iso: [{ name: "disk.iso", format: "raw" }],
} as const;

/**
 * QEMU arguments that boot `media`: the firmware for UEFI, and the image as
 * a read-only virtio disk. Read-only keeps dist/ as it was built (the root
 * is a read-only squashfs with a tmpfs overlay anyway). An ISO is attached
 * the same way: it is a hybrid image, with a GPT whose partitions stage 1
 * finds (a CD drive shows the kernel no partitions).
 */
export function bootMediaArgs(media: BootMedia): string[] {
  const firmware = media.firmware ?? "bios";
  return [
    ...(firmware === "uefi" ? ["-bios", media.ovmf ?? OVMF_FIRMWARE] : []),
    "-drive", `file=${qemuOptValue(media.file)},if=virtio,format=${media.format ?? "raw"},readonly=on`,
  ];
}
