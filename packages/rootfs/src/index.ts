// @notos/rootfs: Debian packages merged onto a merged /usr, packed into a
// reproducible root.squashfs without root privileges, and the system's
// layers packed apart for the initrd — the `rootfs` builder (and
// `rootfsBuilder` for run-time knobs), the `root-layers` builder, the module
// that adds both with their options, the artifacts. Assembling a root as data is
// @notos/rootfs/tree; packing entries into squashfs is @notos/rootfs/squashfs.
export { rootfs, rootfsBuilder, writeRootfsOutputs, type RootfsArtifact, type RootfsRunOptions } from "./build.js";
export { rootLayers, ROOT_LAYERS_DIR, type RootLayersArtifact } from "./layers.js";
export { rootfsModule, rootfsVerityModule, buildRootfs, type RootfsInputs, type BuiltRoot } from "./module.js";
export { rootfsOptions, type RootfsConfig } from "./options.js";
export type { Compression } from "./squashfs.js";
export { RootfsError } from "./errors.js";
export { appendVerityTree, verityTree, verityKernelParam, VERITY_BLOCK_SIZE, type VerityInfo } from "./verity.js";
