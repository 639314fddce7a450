// Moved to @notos/cpio (the cpio writer and reader without the Debian
// client); this module keeps the initrd's own imports and tests working.
export * from "@notos/cpio";
