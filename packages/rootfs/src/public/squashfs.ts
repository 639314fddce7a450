// @notos/rootfs/squashfs: entries → one tar stream → sqfstar → a
// reproducible squashfs image, unprivileged; for packing a tree of one's own.
export { writeSquashfs, sqfstarArguments, sqfstarCommand, type SquashfsOptions } from "../squashfs.js";
export { tarStream, type TarOptions } from "../tar.js";
