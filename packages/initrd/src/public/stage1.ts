// @notos/initrd/stage1: the generated /init and the kernel command line it
// expects, as pure functions of the options (what the builders write).
export { generateStage1, kernelCommandLine, stage1Modules, ROOT_BUSYBOX, type Stage1Kernel, type Stage1Options, type CommandLineOptions } from "../stage1.js";
