// @notos/core/process: host programs run to their end (or streamed), with
// failures as NotosErrors naming the program, its exit status and stderr.
export { runProgram, startProgram, programError, stderrTail, type ProgramOptions, type ProgramResult, type RunningProgram } from "../process.js";
