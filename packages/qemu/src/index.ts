// @notos/qemu: boot a kernel and an initrd under QEMU — runvm, the launcher
// in a system's dist/, and Machine, the test driver. It builds nothing: the
// builder packages make the files and the notos CLI assembles dist/.
export { qemuArgs, accelArgs, accelProbeArgs, distFiles, hostfwd, DIST_NAMES, QEMU_BINARY } from "./args.js";
export type { Accel, ConsoleMode, DistFiles, QemuArgsOptions } from "./args.js";
export { qemuOptions, qemuSchema, forwardSchema, diskSchema } from "./options.js";
export type { QemuOptions, QemuOptionsInput, PortForward, ExtraDisk } from "./options.js";
export { defaultVmConfig } from "./config.js";
export type { VmConfig, VmQemuOptions, VmPortForward, VmDisk } from "./config.js";
export { runvmScript, KVM_PROBE_TIMEOUT_SECONDS } from "./runvm.js";
export type { RunvmOptions } from "./runvm.js";
export { accelProbe, accelFromEnv, resolveAccel } from "./accel.js";
export type { AccelProbeOptions } from "./accel.js";
export { Machine, listeningCommand } from "./machine.js";
export type { MachineOptions, ExitStatus, SshOptions, SshResult, ExecResult } from "./machine.js";
export { killAllMachines, liveQemuPids } from "./live.js";
export { testInstrumentation, TEST_SHELL_RUN } from "./instrumentation.js";
export { stripTerminal, ConsoleLog } from "./console.js";
export type { ConsoleLine } from "./console.js";
export { frameCommand, parseFrame } from "./framing.js";
export { QmpClient, QmpError } from "./qmp.js";
export { QemuError, MachineError } from "./errors.js";
export { ppmToPng, encodePng } from "./png.js";
export { shellQuote, qemuOptValue } from "./quote.js";
export { runvm, runvmModule, type RunvmArtifact } from "./builder.js";
