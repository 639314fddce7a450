// @notos/initrd/tree: the tree the initrd builder packs (stage 1, busybox,
// the kernel's modules) as data.
export { initrdTree, readModuleFiles, type InitrdTreeInputs } from "../tree.js";
