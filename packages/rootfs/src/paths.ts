// Absolute, normalised image paths ("/usr/bin/sh", the root is "/").
import { posix } from "node:path";

export function parentOf(path: string): string {
  return posix.dirname(path);
}

/** Where a symlink at `linkPath` with `target` points, as an absolute normalised path. */
export function resolveTarget(linkPath: string, target: string): string {
  return posix.resolve(parentOf(linkPath), target);
}

/** Byte order of paths: a directory sorts before its contents. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
