// @notos/qemu: boot a kernel and an initrd under QEMU — runvm, the launcher
// in a system's dist/, and Machine, the test driver. It builds nothing: the
// builder packages make the files and the notos CLI assembles dist/.
// QMP, the console log, PNG encoding and the KVM probe are subpaths
// (@notos/qemu/qmp, /console, /png, /accel).
export { runvm, runvmModule, type RunvmArtifact } from "./builder.js";
export { qemuOptions, type QemuOptions, type QemuOptionsInput, type PortForward, type ExtraDisk } from "./options.js";
export { defaultVmConfig, type VmConfig } from "./config.js";
export { runvmScript, type RunvmOptions } from "./runvm.js";
export { qemuArgs, distFiles, type QemuArgsOptions, type DistFiles, type Accel, type ConsoleMode } from "./args.js";
export { bootMediaArgs, secureBootArgs, OVMF_FIRMWARE, OVMF_SECURE_BOOT_CODE, SECURE_BOOT_VARS_FILE, MEDIA_FILES, type BootMedia, type BootFirmware } from "./boot-media.js";
export {
  Machine,
  type MachineOptions,
  type MachineNetwork,
  type SshLogin,
  type CommandOptions,
  type WaitOptions,
  type ConsoleWaitOptions,
  type ShutdownOptions,
  type KeyOptions,
  type ExitStatus,
  type SshOptions,
  type SshResult,
  type ExecResult,
} from "./machine.js";
export { VirtualNetwork, testMac, type VirtualNetworkOptions } from "./network.js";
export { retry, type Attempt, type RetryOptions, type RetrySpec } from "./retry.js";
export { killAllMachines, liveQemuPids } from "./live.js";
export { QemuError, MachineError } from "./errors.js";
export { testInstrumentation, TEST_SHELL_RUN } from "./instrumentation.js";
