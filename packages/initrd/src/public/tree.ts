// @notos/initrd/tree: initrd trees as data — any host directory, or the
// tree the initrd builder packs (stage 1, busybox, the kernel's modules).
export { treeFromDirectory, type TreeFromDirectoryOptions } from "../directory.js";
export { initrdTree, readModuleFiles, type InitrdTreeInputs } from "../tree.js";
export type { TimedEntry } from "../cpio-read.js";
