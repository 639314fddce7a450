// @notos/kernel: a kernel image and its module subset from a Debian linux-image package.
export {
  kernel,
  kernelModule,
  buildKernel,
  kernelPackageSet,
  wantedModules,
  KERNEL_BUILDER_VERSION,
  INDEX_FILE,
  type KernelArtifact,
  type WantedModulesOptions,
} from "./build.js";
export { kernelOptions } from "./options.js";
export { writeKernelOutputs } from "./outputs.js";
export { modulesClosure, closeModuleNames, type ModuleIndex, type ClosureOptions } from "./closure.js";
export { modulesDep, modulesAlias, modulesSoftdep } from "./depmod.js";
export { moduleInfo, readModinfoPairs, parseSoftdep, normaliseModuleName, type ModuleInfo } from "./modinfo.js";
export { elfSections, elfSection, ElfError, type ElfSection } from "./elf.js";
