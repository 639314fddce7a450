// @notos/kernel: a kernel image and its module subset from a Debian
// linux-image package — the `kernel` builder, the module that adds it with
// its options, the artifact, and closures over the artifact's module index.
// The .modinfo and depmod steps are @notos/kernel/modules; the ELF reader
// is @notos/kernel/elf.
export { kernel, kernelModule, buildKernel, type KernelArtifact } from "./build.js";
export { kernelOptions } from "./options.js";
export { writeKernelOutputs } from "./outputs.js";
export { modulesClosure, type ModuleIndex, type ClosureOptions } from "./closure.js";
export type { ModuleInfo } from "./modinfo.js";
