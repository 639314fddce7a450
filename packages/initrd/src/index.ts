// @notos/initrd: a deterministic, compressed cpio initrd with a generated
// stage-1 /init — the `initrd` and `command-line` builders, the module that
// adds them with their options, and their artifacts. The cpio writer and
// reader are @notos/initrd/cpio; trees (from a host directory, or the
// builder's) are @notos/initrd/tree; /init and the command line as text are
// @notos/initrd/stage1; busybox out of its package is @notos/initrd/busybox.
export { initrd, initrdBase, initrdParts, initrdModule, buildInitrd, INITRD_PART_ROLE, type InitrdArtifact, type InitrdPartArtifact } from "./build.js";
export { commandLine, commandLineParts, COMMAND_LINE_PART_ROLE, type CommandLineArtifact, type CommandLinePartArtifact } from "./command-line.js";
export { VERITY_PROGRAM, VERITY_KERNEL_MODULES, VERITY_DEVICE } from "./verity.js";
export type { InitrdProgram } from "./programs.js";
export { initrdOptions, type InitrdOptions, type InitrdOverlay } from "./options.js";
export { writeInitrdOutputs } from "./outputs.js";
export type { Compression } from "./compress.js";
