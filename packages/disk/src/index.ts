// @notos/disk: disk images of a notos system, built the way any outside
// builder is — options declared here, the kernel, initrd, command line and
// root taken from the system's builders, files named for dist/. Import
// `diskModule` into a system to get disk.img, disk.qcow2 and disk.iso.
// The GPT writer and reader are @notos/disk/gpt; the PE section writer
// behind the UKI is @notos/disk/pe.
import { defineModule } from "@notos/core";
import { kernelModule } from "@notos/kernel";
import { diskImage, esp, iso, uki } from "./builders.js";
import { diskOptions } from "./options.js";

export { uki, ukiSlot, esp, diskImage, iso, UKI_PATH, DIST_NAMES, type UkiArtifact, type EspArtifact, type DiskImageArtifact, type IsoArtifact } from "./builders.js";
export { diskOptions, diskSchema, parseSize, type DiskOptions, type DiskFormat, type Firmware } from "./options.js";
export { imageCommandLine, rootSpec } from "./cmdline.js";
export { DiskError } from "./errors.js";

/**
 * Adds the disk images to a system's dist/ and declares the `disk` options.
 * Stage 1 gets the drivers of the disks and CD drives firmware boots from
 * besides virtio (IDE, CD-ROM; the cloud kernel has no AHCI); loop is what it puts over a CD's
 * root partition.
 */
export const diskModule = defineModule({
  name: "@notos/disk",
  options: diskOptions,
  builders: [uki, esp, diskImage, iso],
  // It sets the kernel's module list, so it brings the module that declares it.
  imports: [kernelModule],
  boot: { initrd: { kernelModules: ["ata_piix", "sr_mod", "loop"] } },
});
