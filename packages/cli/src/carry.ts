// The store rides along with turbo's cache. turbo caches the files a task
// names as outputs, and restores them on a hit — locally or from a shared
// remote cache — but it knows nothing of the notos store, so a second
// machine that got dist/ from the cache would still rebuild everything on
// its first change. So `notos dist` also leaves the store entries of the
// build (its closure: every builder's entry, down to the layers) in
// `.notos/carry/` at the project root, which turbo's `dist` task lists as an
// output; and a build that lacks an entry looks there before building it,
// taking the entry in only when it matches the digest it was built with.
// Then an /etc edit on the second machine finds the kernel, the initrd and
// the unchanged layers and rebuilds only what the edit touches.
import { constants } from "node:fs";
import { cp } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { replaceDirectory } from "@notos/core/fs";

/** `.notos/carry` beside a dist directory: for the default dist/, at the project root. */
export function carryDirectory(distDir: string): string {
  return join(dirname(resolve(distDir)), ".notos", "carry");
}

/**
 * Replace the carry directory with copies of the given store entries
 * (directories in the store). Copies, not hard links: whatever later writes
 * to a carried file — a cache restoring over it, a user — must never reach
 * an entry of the store. Reflinks make the copy free where the file system
 * has them.
 */
export async function writeCarry(dir: string, entries: readonly string[]): Promise<void> {
  await replaceDirectory(resolve(dir), async (tmp) => {
    for (const entry of [...new Set(entries)].sort()) {
      await cp(entry, join(tmp, basename(entry)), { recursive: true, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE });
    }
  });
}
