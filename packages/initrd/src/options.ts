// The options of stage 1 and of the kernel command line belong to this
// package: the initrd and command-line builders are what read them.
// `boot.initrd.kernelModules` is the kernel's (it decides which modules the
// kernel ships), and `boot.stage2Init` is core's (the runit layer puts the
// program there); stage 1 reads both but declares neither.
import { z } from "zod";
import type { Compression } from "./compress.js";

const COMPRESSIONS = ["gzip", "zstd", "xz", "none"] as const satisfies readonly Compression[];

const kernelParamsSchema = z.array(z.string()).default([]).describe("Kernel command-line parameters (after root=).");
const compressionSchema = z
  .enum(COMPRESSIONS)
  .default("none")
  .describe(
    "Compression of the initrd. Unset: none. The kernel unpacks it before it runs /init, and under emulation decompressing is the slow part: zstd makes the default initrd 1.2 MB instead of 3.2 MB and reaches /init about 0.2 s later (guest time under QEMU -icount); xz is smaller still and slower to unpack.",
  );
const busyboxPackageSchema = z.string().default("busybox-static").describe("Debian package that provides stage 1's static busybox.");
const rootDeviceSchema = z.string().default("/dev/vda").describe("The root device, unless the command line has root=.");
const rootFsTypeSchema = z.string().default("squashfs").describe("File-system type of the root device.");
const rootWaitSecondsSchema = z.number().int().min(1).default(10).describe("How long stage 1 waits for the root device.");
const emergencyShellSchema = z
  .boolean()
  .default(false)
  .describe("On a stage-1 failure, start a shell instead of powering off (also enabled by `notos.shell` on the command line).");
const overlaySchema = z
  .strictObject({
    tmpfsSize: z.string().default("50%").describe("Size of the tmpfs that holds the writable overlay."),
    device: z.string().optional().describe("A persistent block device (ext4) for the overlay's upper layer instead of tmpfs."),
  })
  .prefault({});
const programsSchema = z
  .array(
    z.strictObject({
      package: z.string().min(1).describe("The Debian package that ships the program."),
      path: z.string().startsWith("/", "an absolute path").describe("The program's path as the package installs it, e.g. /usr/sbin/dmsetup (/sbin/x and /usr/sbin/x are one)."),
    }),
  )
  .default([])
  .describe("Programs from Debian packages put into the initrd with their interpreter and shared-library closure (DT_NEEDED, recursively), fetched with the packages' Depends closure.");
const veritySchema = z
  .boolean()
  .default(false)
  .describe("Stage 1 opens the root through dm-verity with the notos.verity= command-line parameter, and refuses to boot without it (adds dmsetup and dm-verity to the initrd; rootfs.verity turns it on).");

/** The option paths @notos/initrd declares, with their schemas. */
export const initrdOptions = {
  "boot.kernelParams": kernelParamsSchema,
  "boot.initrd.compression": compressionSchema,
  "boot.initrd.busyboxPackage": busyboxPackageSchema,
  "boot.initrd.rootDevice": rootDeviceSchema,
  "boot.initrd.rootFsType": rootFsTypeSchema,
  "boot.initrd.rootWaitSeconds": rootWaitSecondsSchema,
  "boot.initrd.emergencyShell": emergencyShellSchema,
  "boot.initrd.overlay": overlaySchema,
  "boot.initrd.programs": programsSchema,
  "boot.initrd.verity": veritySchema,
};

declare module "@notos/core" {
  interface NotosOptions {
    "boot.kernelParams": typeof kernelParamsSchema;
    "boot.initrd.compression": typeof compressionSchema;
    "boot.initrd.busyboxPackage": typeof busyboxPackageSchema;
    "boot.initrd.rootDevice": typeof rootDeviceSchema;
    "boot.initrd.rootFsType": typeof rootFsTypeSchema;
    "boot.initrd.rootWaitSeconds": typeof rootWaitSecondsSchema;
    "boot.initrd.emergencyShell": typeof emergencyShellSchema;
    "boot.initrd.overlay": typeof overlaySchema;
    "boot.initrd.programs": typeof programsSchema;
    "boot.initrd.verity": typeof veritySchema;
  }
}

/** `boot.initrd.overlay`: where stage 1 puts the writable layer. */
export type InitrdOverlay = z.output<typeof overlaySchema>;

/** The `boot.initrd` options this package declares, defaults filled in. */
export interface InitrdOptions {
  compression: z.output<typeof compressionSchema>;
  busyboxPackage: z.output<typeof busyboxPackageSchema>;
  rootDevice: z.output<typeof rootDeviceSchema>;
  rootFsType: z.output<typeof rootFsTypeSchema>;
  rootWaitSeconds: z.output<typeof rootWaitSecondsSchema>;
  emergencyShell: z.output<typeof emergencyShellSchema>;
  overlay: InitrdOverlay;
  programs: z.output<typeof programsSchema>;
  verity: z.output<typeof veritySchema>;
}
