// @notos/rootfs/squashfs: entries → one tar stream → mksquashfs -tar → a
// reproducible squashfs image, unprivileged; for packing a tree of one's own.
export { writeSquashfs, mksquashfsArguments, mksquashfsCommand, compressionLevelProblem, COMPRESSION_LEVELS, type SquashfsOptions, type Compression, type BlockSize } from "../squashfs.js";
export { tarStream, type TarOptions } from "../tar.js";
