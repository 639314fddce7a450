import type { TreeEntry } from "@notos/core/tree";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

export const file = (path: string, content: string, mode = 0o644, uid = 0, gid = 0): TreeEntry => ({ path, type: "file", mode, uid, gid, content: text(content) });
export const dir = (path: string, mode = 0o755, uid = 0, gid = 0): TreeEntry => ({ path, type: "dir", mode, uid, gid });
export const symlink = (path: string, target: string): TreeEntry => ({ path, type: "symlink", mode: 0o777, uid: 0, gid: 0, target });
export const hardlink = (path: string, target: string): TreeEntry => ({ path, type: "hardlink", mode: 0o644, uid: 0, gid: 0, target });
export const chardev = (path: string, major: number, minor: number, mode = 0o666): TreeEntry => ({ path, type: "char", mode, uid: 0, gid: 0, major, minor });
