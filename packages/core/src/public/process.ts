// @notos/core/process: host programs run to their end (or streamed), with
// failures as NotosErrors naming the program, its exit status and stderr;
// and onProcessEnd, the one place cleanups that must outlive a signal or a
// crash (a QEMU to kill, a checkout to remove) are registered.
export { runProgram, startProgram, programError, stderrTail, type ProgramOptions, type ProgramResult, type RunningProgram } from "../process.js";
export { onProcessEnd } from "../on-exit.js";
