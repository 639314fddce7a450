// @notos/cpio: the newc cpio format both ways — the writer (a tree → records
// → byte chunks, the same bytes as GNU cpio's reproducible mode), the reader
// (an archive back into tree entries), a host directory as a tree, and the
// compressors the kernel unpacks an initrd with. It needs @notos/core alone:
// the initrd builder (@notos/initrd) is what brings the Debian archive.
export { planCpio, cpioChunks, writeCpio, cpioBytes, encodeHeader, comparePaths, pad4, S_IFMT, TYPE_BITS, MAGIC, HEADER_SIZE, TRAILER, type CpioRecord, type CpioOptions } from "./cpio.js";
export { readCpio, type CpioInput, type TimedEntry } from "./cpio-read.js";
export { writeCompressed, compressorCommands, compressorPackages, type Compression } from "./compress.js";
export { treeFromDirectory, type TreeFromDirectoryOptions } from "./directory.js";
