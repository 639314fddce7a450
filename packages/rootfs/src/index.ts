// @notos/rootfs: Debian packages and layers merged onto a merged /usr, packed
// into a reproducible root.squashfs without root privileges.
export {
  buildRootfs,
  rootfs,
  rootfsBuilder,
  rootfsModule,
  writeRootfsOutputs,
  BUILDER_VERSION,
  IMAGE_FILE,
  MANIFEST_FILE,
  SIZES_FILE,
  type RootfsArtifact,
  type RootfsInputs,
  type RootfsOptions,
} from "./build.js";
export { rootfsOptions, type RootfsConfig } from "./options.js";
export { assembleRoot, debSources, type AssembleOptions, type AssembledRoot, type PackageSource } from "./assemble.js";
export { RootTree, sameEntry, SKELETON, type RootEntry, type RootTreeOptions, type PackageSink, type OriginKind } from "./tree.js";
export { addSkeleton, SKELETON_DIRS, ROOT_LINKS, ALTERNATIVES } from "./skeleton.js";
export { usrMergeEntry, type PathMapper } from "./usrmerge.js";
export { compileGlob, globMatcher, pathFilter, type PathMatcher } from "./glob.js";
export { rootManifest, sizeReport, type RootManifestEntry, type SizeReport, type OriginSize } from "./manifest.js";
export { tarStream, type TarOptions } from "./tar.js";
export { writeSquashfs, sqfstarArguments, sqfstarCommand, type SquashfsOptions, type Compression } from "./squashfs.js";
export { RootfsError } from "./errors.js";
