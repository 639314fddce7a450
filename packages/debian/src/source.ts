// The Debian archive as the builders' package source. A builder names the
// package sets it needs; this answers with their locked packages (for the
// builder's store key, no download) or their verified .debs (when the
// builder really runs). The lock file is composed from the builders: each
// set is locked under its own name when first asked for.
import type { FetchedDeb, LockedDeb, PackageSetSpec, PackageSource } from "@notos/core";
import type { Reporter } from "@notos/core/progress";
import { loadIndex } from "./archive.js";
import { cacheDir } from "./cache.js";
import { downloadDebs } from "./download.js";
import { REFRESH_HINT } from "./errors.js";
import { lockedSet, readLock, updateLock, withSet, type LockedPackage } from "./lockfile.js";
import type { DebianOptions } from "./options.js";
import { resolveSet } from "./packages.js";
import { suiteSources, type SuiteSource } from "./sources.js";

export interface DebianSourceOptions {
  /** The system's `debian` options. */
  debian: DebianOptions;
  /** notos.lock.json of the system. */
  lockFile: string;
  reporter: Reporter;
  /** Download cache directory; default `cacheDir()`. */
  cache?: string;
  /** Parallel downloads (default 4). */
  concurrency?: number;
}

/** A `PackageSource` over the Debian archive, locked in `lockFile`. */
export function debianPackageSource(options: DebianSourceOptions): PackageSource & { locked(set: PackageSetSpec): Promise<LockedPackage[]> } {
  const archive = { architecture: options.debian.architecture, suites: [...options.debian.suites], components: [...options.debian.components] };
  const cache = options.cache ?? cacheDir();
  let sources: Promise<SuiteSource[]> | undefined;
  const suites = () => (sources ??= suiteSources(options.debian));
  // One resolution per set per source, even when several builders ask at once.
  const pending = new Map<string, Promise<{ packages: LockedPackage[]; fromLock: boolean }>>();

  const lock = (set: PackageSetSpec) => {
    let p = pending.get(set.name);
    if (!p) {
      p = (async () => {
        const known = lockedSet(await readLock(options.lockFile), set, archive);
        if (known) return { packages: known, fromLock: true };
        options.reporter.step("reading the Debian package index", options.debian.suites.join(", "));
        const index = await loadIndex(await suites(), { cache, architecture: options.debian.architecture, reporter: options.reporter });
        const resolved = resolveSet(index, set);
        await updateLock(options.lockFile, (current) => withSet(current, archive, set, resolved));
        options.reporter.info(`locked package set ${set.name}: ${resolved.length} packages`);
        return { packages: resolved, fromLock: false };
      })();
      pending.set(set.name, p);
      p.catch(() => pending.delete(set.name));
    }
    return p;
  };

  return {
    async locked(set): Promise<LockedPackage[]> {
      return (await lock(set)).packages;
    },
    async fetch(set): Promise<(LockedPackage & FetchedDeb)[]> {
      const { packages, fromLock } = await lock(set);
      const files = await downloadDebs(packages, {
        cache,
        uris: new Map((await suites()).map((s) => [s.suite, s.uri])),
        concurrency: options.concurrency ?? 4,
        reporter: options.reporter,
        ...(fromLock ? { missingHint: REFRESH_HINT } : {}),
      });
      return packages.map((p, i) => ({ ...p, file: files[i]! }));
    },
  };
}

export type { LockedDeb };
