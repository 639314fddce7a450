// @notos/initrd/cpio: the newc format both ways — the writer (a tree →
// records → byte chunks, the same bytes as GNU cpio's reproducible mode),
// the reader (an archive back into entries), and the compressors the kernel
// unpacks an initrd with.
export { planCpio, cpioChunks, writeCpio, cpioBytes, encodeHeader, type CpioRecord, type CpioOptions } from "../cpio.js";
export { readCpio, type CpioInput, type TimedEntry } from "../cpio-read.js";
export { writeCompressed, compressorCommands, type Compression } from "../compress.js";
