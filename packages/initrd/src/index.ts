// @notos/initrd: a deterministic, compressed cpio initrd with a generated stage-1 /init.
export {
  initrd,
  initrdModule,
  buildInitrd,
  initrdPackageSet,
  initrdConfigSlice,
  INITRD_BUILDER_VERSION,
  INITRD_FILE,
  INIT_FILE,
  type InitrdArtifact,
} from "./build.js";
export { commandLine, COMMAND_LINE_BUILDER_VERSION, COMMAND_LINE_FILE, type CommandLineArtifact } from "./command-line.js";
export { initrdOptions, type InitrdOptions, type InitrdOverlay } from "./options.js";
export { writeInitrdOutputs } from "./outputs.js";
export { generateStage1, kernelCommandLine, stage1Modules, shellQuote, type Stage1Kernel, type Stage1Options, type CommandLineOptions } from "./stage1.js";
export { planCpio, cpioChunks, writeCpio, cpioBytes, encodeHeader, comparePaths, defaultMtime, type CpioRecord, type CpioOptions } from "./cpio.js";
export { writeCompressed, compressorCommands, type Compression } from "./compress.js";
export { busyboxFromDeb, busyboxApplets, FALLBACK_APPLETS, type Busybox } from "./busybox.js";
export { initrdTree, readModuleFiles, type InitrdTreeInputs } from "./tree.js";
