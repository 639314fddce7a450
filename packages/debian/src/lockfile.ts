// notos.lock.json: per package set, its definition and the exact packages
// it resolved to. Pure data functions here; reading and writing at the end.
import { promises as fs } from "node:fs";
import { setDefinition, sameDefinition, type PackageSet, type SetDefinition } from "./sets.js";
import type { PackageRecord } from "./records.js";
import { writeFileAtomic } from "@notos/core/fs";
import { z } from "zod";
import { DebianError } from "./errors.js";

export const LOCKFILE_VERSION = 1;

export interface LockedPackage {
  name: string;
  version: string;
  architecture: string;
  /** The suite the package came from (a suite name, never a host: the mirror is chosen at run time). */
  suite: string;
  /** Path of the .deb relative to the archive root. */
  filename: string;
  size: number;
  sha256: string;
}

export interface LockedSet {
  definition: SetDefinition;
  packages: LockedPackage[];
}

/** The archive settings a lock was made against; a change re-resolves every set. */
export interface LockedArchive {
  architecture: string;
  suites: string[];
  components: string[];
}

export interface LockFile {
  lockfileVersion: number;
  debian: LockedArchive;
  sets: Record<string, LockedSet>;
}

export function lockedPackage(record: PackageRecord): LockedPackage {
  return {
    name: record.package,
    version: record.version,
    architecture: record.architecture,
    suite: record.suite,
    filename: record.filename,
    size: record.size,
    sha256: record.sha256,
  };
}

const byName = (a: LockedPackage, b: LockedPackage): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function emptyLock(debian: LockedArchive): LockFile {
  return { lockfileVersion: LOCKFILE_VERSION, debian: { ...debian }, sets: {} };
}

export function sameArchive(a: LockedArchive, b: LockedArchive): boolean {
  return JSON.stringify([a.architecture, a.suites, a.components]) === JSON.stringify([b.architecture, b.suites, b.components]);
}

/** The locked packages of `set`, if the lock has it with the same definition and archive settings. */
export function lockedSet(lock: LockFile | undefined, set: PackageSet, debian: LockedArchive): LockedPackage[] | undefined {
  if (!lock || !sameArchive(lock.debian, debian)) return undefined;
  const entry = lock.sets[set.name];
  if (!entry || !sameDefinition(entry.definition, setDefinition(set))) return undefined;
  return entry.packages;
}

/** A copy of `lock` with one set replaced (a lock for other archive settings starts empty). */
export function withSet(lock: LockFile | undefined, debian: LockedArchive, set: PackageSet, packages: LockedPackage[]): LockFile {
  const base = lock && sameArchive(lock.debian, debian) ? lock : emptyLock(debian);
  return { ...base, sets: { ...base.sets, [set.name]: { definition: setDefinition(set), packages: [...packages].sort(byName) } } };
}

/** Stable JSON: fixed key order, sets and packages sorted, two-space indent, trailing newline. */
export function serializeLock(lock: LockFile): string {
  const sets: Record<string, LockedSet> = {};
  for (const name of Object.keys(lock.sets).sort()) {
    const set = lock.sets[name]!;
    const d = set.definition;
    sets[name] = {
      definition: { roots: d.roots, dependencies: d.dependencies, recommends: d.recommends, essential: d.essential },
      packages: [...set.packages].sort(byName).map((p) => ({
        name: p.name,
        version: p.version,
        architecture: p.architecture,
        suite: p.suite,
        filename: p.filename,
        size: p.size,
        sha256: p.sha256,
      })),
    };
  }
  const out: LockFile = {
    lockfileVersion: lock.lockfileVersion,
    debian: { architecture: lock.debian.architecture, suites: lock.debian.suites, components: lock.debian.components },
    sets,
  };
  return JSON.stringify(out, null, 2) + "\n";
}

export function parseLock(text: string, file = "notos.lock.json"): LockFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DebianError(`${file} is not valid JSON: ${(error as Error).message}`, {
      hint: "fix the merge conflict or delete the file and run `npm run lock`",
      cause: error,
    });
  }
  if ((data as Partial<LockFile> | null)?.lockfileVersion !== LOCKFILE_VERSION) {
    throw new DebianError(`${file} is not a notos lock file of version ${LOCKFILE_VERSION}`, {
      hint: "delete the file and run `npm run lock` to create it again",
    });
  }
  // Every field the readers use, checked here: a hand-edited lock fails with its path, not deep in a build.
  const checked = lockSchema.safeParse(data);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new DebianError(`${file}: ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`, {
      code: "DEBIAN_LOCK",
      hint: "fix the entry, or delete the file and run `npm run lock` to create it again",
    });
  }
  return data as LockFile;
}

const words = z.array(z.string());
const lockSchema = z.object({
  lockfileVersion: z.literal(LOCKFILE_VERSION),
  debian: z.object({ architecture: z.string(), suites: words, components: words }),
  sets: z.record(
    z.string(),
    z.object({
      definition: z.object({
        roots: words,
        dependencies: z.union([z.literal("all"), z.literal("none"), z.object({ only: z.string() })]),
        recommends: z.boolean(),
        essential: z.boolean(),
      }),
      packages: z.array(
        z.object({
          name: z.string(),
          version: z.string(),
          architecture: z.string(),
          suite: z.string(),
          filename: z.string(),
          size: z.number().int().nonnegative(),
          sha256: z.string(),
        }),
      ),
    }),
  ),
});

export async function readLock(path: string): Promise<LockFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseLock(text, path);
}

export async function writeLock(path: string, lock: LockFile): Promise<void> {
  await writeFileAtomic(path, serializeLock(lock));
}

/**
 * Run `update` on the current lock under an exclusive lock (`<path>.lck`) so
 * that builders running in parallel processes do not lose each other's sets.
 */
export async function updateLock(path: string, update: (lock: LockFile | undefined) => LockFile | Promise<LockFile>): Promise<LockFile> {
  const mutex = `${path}.lck`;
  const deadline = Date.now() + 120_000;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    try {
      await (await fs.open(mutex, "wx")).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A holder killed mid-update leaves the mutex behind; it is only held for a read and a write.
      const stat = await fs.stat(mutex).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > 60_000) await fs.rm(mutex, { force: true });
      if (Date.now() > deadline) throw new DebianError(`timed out waiting for ${mutex}`, { hint: "if no other notos process runs, delete that file" });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  try {
    const next = await update(await readLock(path));
    await writeLock(path, next);
    return next;
  } finally {
    await fs.rm(mutex, { force: true });
  }
}
