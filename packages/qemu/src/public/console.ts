// @notos/qemu/console: the serial console as timestamped lines (Machine's
// `console`), and the stripping of terminal escapes it applies.
export { ConsoleLog, stripTerminal, type ConsoleLine } from "../console.js";
