// @notos/rootfs/tree: the merged root as data, in the steps the builder
// takes — packages onto a merged /usr (filtered, conflicts checked), the
// skeleton, the layers — for tests and tools that assemble or inspect a
// root without packing it.
export { assembleRoot, debSources, type AssembleOptions, type AssembledRoot, type PackageEntries } from "../assemble.js";
export { RootTree, sameEntry, SKELETON, type RootEntry, type RootTreeOptions, type PackageSink, type OriginKind } from "../tree.js";
export { addSkeleton, SKELETON_DIRS, ROOT_LINKS, ALTERNATIVES } from "../skeleton.js";
export { usrMergeEntry, type PathMapper } from "../usrmerge.js";
export { compileGlob, globMatcher, pathFilter, type PathMatcher } from "../glob.js";
export { rootManifest, sizeReport, type RootManifestEntry, type SizeReport, type OriginSize } from "../manifest.js";
export { limitSetuid, isSetuidFile } from "../setuid.js";
