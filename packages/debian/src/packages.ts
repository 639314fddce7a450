// The two operations builders use: lock the system's package sets, and
// fetch one set's verified .debs (from the lock when it has the set).
import type { BuildContext } from "@notos/core";
import type { Reporter } from "@notos/core/progress";
import { loadIndex } from "./archive.js";
import { cacheDir } from "./cache.js";
import { downloadDebs } from "./download.js";
import { REFRESH_HINT } from "./errors.js";
import { lockedPackage, lockedSet, readLock, serializeLock, updateLock, withSet, type LockedArchive, type LockedPackage, type LockFile } from "./lockfile.js";
import type { DebianOptions } from "./options.js";
import type { PackageIndex } from "./records.js";
import { resolve } from "./resolver.js";
import type { PackageSet } from "./sets.js";
import { suiteSources, type SuiteSource } from "./sources.js";

export interface FetchedPackage extends LockedPackage {
  /** Local path of the verified .deb. */
  file: string;
}

export interface PackageOptions {
  /** Cache directory; default `cacheDir()`. */
  cache?: string;
  /** Parallel downloads (default 4). */
  concurrency?: number;
  /** Resolve over this index instead of the archive's (tests, or a caller that has one already). */
  index?: PackageIndex;
}

/** The archive a lock file is valid for: what of the `debian` options decides which packages exist. */
export function lockedArchive(config: { debian: DebianOptions }): LockedArchive {
  return { architecture: config.debian.architecture, suites: [...config.debian.suites], components: [...config.debian.components] };
}

/** Resolve one set over an index into lockable packages. */
export function resolveSet(index: PackageIndex, set: PackageSet): LockedPackage[] {
  return resolve(index, set.roots, {
    dependencies: set.dependencies,
    recommends: set.recommends ?? false,
    essential: set.essential ?? false,
  }).map(lockedPackage);
}

async function openIndex(ctx: BuildContext, sources: SuiteSource[] | undefined, options: PackageOptions): Promise<PackageIndex> {
  if (options.index) return options.index;
  sources ??= await suiteSources(ctx.config.debian);
  ctx.reporter.step("reading the Debian package index", ctx.config.debian.suites.join(", "));
  return loadIndex(sources, { cache: options.cache ?? cacheDir(), architecture: ctx.config.debian.architecture, reporter: ctx.reporter });
}

/**
 * The verified .debs of a package set. With a lock entry of the same
 * definition, no index is read: the locked files are downloaded straight
 * from the pool. Otherwise the set is resolved and the lock file updated.
 */
export async function fetchPackages(ctx: BuildContext, set: PackageSet, options: PackageOptions = {}): Promise<FetchedPackage[]> {
  const archive = lockedArchive(ctx.config);
  const sources = await suiteSources(ctx.config.debian);
  let packages = lockedSet(await readLock(ctx.lockFile), set, archive);
  const fromLock = packages !== undefined;
  if (!packages) {
    const resolved = resolveSet(await openIndex(ctx, sources, options), set);
    await updateLock(ctx.lockFile, (lock) => withSet(lock, archive, set, resolved));
    ctx.reporter.info(`locked package set ${set.name}: ${resolved.length} packages`);
    packages = resolved;
  }
  const files = await downloadDebs(packages, {
    cache: options.cache ?? cacheDir(),
    uris: new Map(sources.map((s) => [s.suite, s.uri])),
    concurrency: options.concurrency ?? 4,
    reporter: ctx.reporter,
    ...(fromLock ? { missingHint: REFRESH_HINT } : {}),
  });
  return packages.map((p, i) => ({ ...p, file: files[i]! }));
}

export interface SetChange {
  name: string;
  /** "kept": taken over from the lock unchanged; "resolved": resolved now. */
  status: "kept" | "resolved";
  added: LockedPackage[];
  removed: LockedPackage[];
  changed: { name: string; from: string; to: string }[];
}

export interface LockResult {
  file: string;
  /** Whether the file's content changed. */
  written: boolean;
  sets: SetChange[];
}

/** Compare two resolutions of a set. */
export function diffSets(name: string, before: LockedPackage[], after: LockedPackage[], status: SetChange["status"]): SetChange {
  const old = new Map(before.map((p) => [p.name, p]));
  const now = new Map(after.map((p) => [p.name, p]));
  return {
    name,
    status,
    added: after.filter((p) => !old.has(p.name)),
    removed: before.filter((p) => !now.has(p.name)),
    changed: after
      .filter((p) => old.has(p.name) && (old.get(p.name)!.version !== p.version || old.get(p.name)!.sha256 !== p.sha256))
      .map((p) => ({ name: p.name, from: old.get(p.name)!.version, to: p.version })),
  };
}

/**
 * `lockPackageSets` for a caller with a `BuildContext`: the archive from
 * `ctx.config.debian`, the sets given (the builders' sets; the lock is
 * composed from them, this package does not know which builders exist).
 */
export async function lockSystem(ctx: BuildContext, sets: readonly PackageSet[], options: PackageOptions & { refresh?: boolean } = {}): Promise<LockResult> {
  return lockPackageSets({ debian: ctx.config.debian, lockFile: ctx.lockFile, reporter: ctx.reporter, sets }, options);
}

export interface LockSetsContext {
  debian: DebianOptions;
  lockFile: string;
  reporter: Reporter;
  /** The package sets of the system's builders. */
  sets: readonly PackageSet[];
}

/**
 * Bring the lock file up to date with the given package sets (the lock is
 * composed from the builders): a set whose definition changed (or every set,
 * with `refresh`) is resolved again; the others keep their locked packages,
 * so nothing is upgraded by surprise. Sets no builder asks for are kept (and
 * re-resolved on refresh).
 */
export async function lockPackageSets(ctx: LockSetsContext, options: PackageOptions & { refresh?: boolean } = {}): Promise<LockResult> {
  const archive = { architecture: ctx.debian.architecture, suites: [...ctx.debian.suites], components: [...ctx.debian.components] };
  const before = await readLock(ctx.lockFile);
  const sets = new Map(ctx.sets.map((s) => [s.name, s]));
  if (options.refresh && before) {
    for (const [name, entry] of Object.entries(before.sets)) if (!sets.has(name)) sets.set(name, { name, ...entry.definition });
  }
  const stale = [...sets.values()].filter((set) => options.refresh || !lockedSet(before, set, archive));
  const resolved = new Map<string, LockedPackage[]>();
  if (stale.length) {
    const index = options.index ?? (await loadIndex(await suiteSources(ctx.debian), { cache: options.cache ?? cacheDir(), architecture: ctx.debian.architecture, reporter: ctx.reporter }));
    for (const set of stale) resolved.set(set.name, resolveSet(index, set));
  }
  const oldText = before ? serializeLock(before) : "";
  const after = await updateLock(ctx.lockFile, (current) => {
    let lock: LockFile | undefined = current;
    for (const set of sets.values()) {
      // A kept set comes from the lock as it is now, or as we read it if another process changed it meanwhile.
      const packages = resolved.get(set.name) ?? lockedSet(current, set, archive) ?? lockedSet(before, set, archive) ?? [];
      lock = withSet(lock, archive, set, packages);
    }
    return lock ?? current ?? { lockfileVersion: 1, debian: archive, sets: {} };
  });
  const changes = [...sets.values()].map((set) => {
    return diffSets(set.name, before?.sets[set.name]?.packages ?? [], after.sets[set.name]!.packages, resolved.has(set.name) ? "resolved" : "kept");
  });
  return { file: ctx.lockFile, written: oldText !== serializeLock(after), sets: changes };
}
