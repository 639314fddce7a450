// A file tree as data: the common currency of .deb extraction, the /etc and
// runit layers, the rootfs merge and the cpio/tar writers. Ownership, modes
// and device numbers live here, never on the host file system, so nothing
// needs root.

export type TreeEntryType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

/** What every entry has, whatever its type. */
interface EntryBase {
  /** Absolute path inside the image, normalised: "/usr/bin/bash", never a trailing slash (the root is "/"). */
  path: string;
  /** Permission bits including setuid/setgid/sticky (e.g. 0o4755); no file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  /** Who put the entry there: a Debian package name, or a layer such as "etc" or "runit". */
  origin?: string;
}

export interface FileEntry extends EntryBase {
  type: "file";
  content: Uint8Array;
}
export interface DirEntry extends EntryBase {
  type: "dir";
}
export interface SymlinkEntry extends EntryBase {
  type: "symlink";
  /** As written: relative or absolute. */
  target: string;
}
export interface HardlinkEntry extends EntryBase {
  type: "hardlink";
  /** The absolute path inside the image it links to. */
  target: string;
}
export interface DeviceEntry extends EntryBase {
  type: "char" | "block";
  major: number;
  minor: number;
}
export interface FifoEntry extends EntryBase {
  type: "fifo";
}

/**
 * One entry of a tree, discriminated on `type`: a file always has content,
 * a link always a target, a device always its numbers — so a writer never
 * has to guess what a missing field means.
 */
export type TreeEntry = FileEntry | DirEntry | SymlinkEntry | HardlinkEntry | DeviceEntry | FifoEntry;

/** One row of a manifest: a tree entry without content, with its size and digest. */
export interface ManifestEntry {
  path: string;
  type: TreeEntryType;
  mode: string;
  uid: number;
  gid: number;
  size: number;
  sha256?: string;
  target?: string;
  major?: number;
  minor?: number;
  origin?: string;
  /** Set when this entry replaced one from another origin (e.g. a layer overriding a package file). */
  overrides?: string;
}

/** A layer: a set of entries that a builder adds on top of the packages. */
export interface Layer {
  name: string;
  entries: TreeEntry[];
}
