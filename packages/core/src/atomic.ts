// Replacing files and directories so that a reader (or a killed writer)
// never sees a half-written one: write beside the target, then rename.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Write `data` to `file` through a temporary file in the same directory and one rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${randomBytes(6).toString("hex")}`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Replace directory `target` with one that `fill` writes in full first
 * (`<target>.tmp-<random>`). Leftovers of an earlier killed run are removed.
 * Between the two renames `target` briefly does not exist; it never exists half-written.
 */
export async function replaceDirectory(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  await fs.mkdir(parent, { recursive: true });
  for (const entry of await fs.readdir(parent)) {
    if (entry.startsWith(`${name}.tmp-`) || entry.startsWith(`${name}.old-`)) await fs.rm(join(parent, entry), { recursive: true, force: true });
  }
  const suffix = randomBytes(6).toString("hex");
  const tmp = join(parent, `${name}.tmp-${suffix}`);
  const old = join(parent, `${name}.old-${suffix}`);
  await fs.mkdir(tmp);
  try {
    await fill(tmp);
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
  let hadOld = false;
  try {
    await fs.rename(target, old);
    hadOld = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await fs.rename(tmp, target);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}
