// The download cache: NOTOS_CACHE_DIR, else $XDG_CACHE_HOME/notos, else
// ~/.cache/notos. Every file appears by rename of a finished temporary file
// (downloads here, everything else through core's writeFileAtomic), so a
// killed process never leaves a half-written entry under a real name.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NOTOS_CACHE_DIR) return env.NOTOS_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "notos");
  return join(homedir(), ".cache", "notos");
}

export const TMP_MARK = ".tmp-";
// core's writeFileAtomic (the index cache, the lock file) writes `.<name>.tmp-<12 hex>` beside its target.
const ATOMIC_TEMPORARY = /^\..+\.tmp-[0-9a-f]{12}$/;

export function tempPathFor(path: string): string {
  return join(dirname(path), `${TMP_MARK}${randomBytes(6).toString("hex")}-${path.slice(dirname(path).length + 1)}`);
}

/** Remove temporary files older than `ageMs` that a killed process left behind. */
export async function sweepTemporaries(dir: string, ageMs = 60 * 60 * 1000): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(TMP_MARK) && !ATOMIC_TEMPORARY.test(name)) continue;
    const path = join(dir, name);
    try {
      if (now - (await fs.stat(path)).mtimeMs > ageMs) await fs.rm(path, { force: true });
    } catch {
      // Another process finished or removed it.
    }
  }
}
