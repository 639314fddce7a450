// @notos/rootfs: Debian packages and layers merged onto a merged /usr, packed
// into a reproducible root.squashfs without root privileges — the `rootfs`
// builder (and `rootfsBuilder` for run-time knobs), the module that adds it
// with its options, the artifact. Assembling a root as data is
// @notos/rootfs/tree; packing entries into squashfs is @notos/rootfs/squashfs.
export {
  rootfs,
  rootfsBuilder,
  rootfsModule,
  buildRootfs,
  writeRootfsOutputs,
  type RootfsArtifact,
  type RootfsInputs,
  type RootfsRunOptions,
} from "./build.js";
export { rootfsOptions, type RootfsConfig } from "./options.js";
export type { Compression } from "./squashfs.js";
export { RootfsError } from "./errors.js";
