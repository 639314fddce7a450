// A file tree as data: the common currency of .deb extraction, the /etc and
// runit layers, the rootfs merge and the cpio/tar writers. Ownership, modes
// and device numbers live here, never on the host file system, so nothing
// needs root.

export type TreeEntryType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface TreeEntry {
  /** Absolute path inside the image, normalised: "/usr/bin/bash", never a trailing slash (the root is "/"). */
  path: string;
  type: TreeEntryType;
  /** Permission bits including setuid/setgid/sticky (e.g. 0o4755); no file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  /** File content (type "file" only). */
  content?: Uint8Array;
  /** Link target (symlink: as written; hardlink: the absolute path it links to). */
  target?: string;
  /** Device numbers (char/block only). */
  major?: number;
  minor?: number;
  /** Who put the entry there: a Debian package name, or a layer such as "etc" or "runit". */
  origin?: string;
}

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
