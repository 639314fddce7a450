// A whole system, built: every builder its modules add (and their inputs),
// each realised once, then dist/ assembled from the files the builders name.
// This package owns dist/: no builder lists another's outputs, and nothing
// here knows which builders a system has until its modules say so.
import { constants } from "node:fs";
import { chmod, copyFile, stat, utimes } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { NotosError, sourceDateEpoch, type Artifact, type LoadedSystem, type PackageSource } from "@notos/core";
import { replaceDirectory } from "@notos/core/fs";
import { buildGraph, distFiles, findRepoRoot, runGraph, type BuildGraph, type Realisation } from "@notos/core/graph";
import type { Reporter } from "@notos/core/progress";
import { Store, hashValue, writeRoots } from "@notos/core/store";
import { debianPackageSource } from "@notos/debian";
import { carryDirectory } from "./carry.js";
import { recordRealisations } from "./why.js";

export interface BuildSystemOptions {
  reporter: Reporter;
  /** Only these builders (and what they need); default: all of the system's. */
  only?: readonly string[];
  /** The dist/ the build is for: entries carried beside it (.notos/carry) are used before building; default: the system's dist/. */
  distDir?: string;
  /** Where packages come from; default: the Debian archive with the system's `debian` options and lock file. */
  packages?: PackageSource;
  /** The roots file the build's entries are kept under (gc keeps them); default: the system's dist roots (`rootsName`). */
  roots?: string;
}

export interface BuiltSystem {
  graph: BuildGraph;
  artifacts: Map<string, Artifact>;
  realisations: Realisation[];
  /** The store entries the build used or made (absolute directories). */
  entries: string[];
  epoch: number;
}

/** The system's package source: the Debian archive as its `debian` options say, locked beside the configuration. */
export function systemPackages(system: LoadedSystem, reporter: Reporter): PackageSource {
  const debian = (system.config as { debian?: Parameters<typeof debianPackageSource>[0]["debian"] }).debian;
  if (!debian) {
    return {
      locked: () => Promise.reject(noDebian()),
      fetch: () => Promise.reject(noDebian()),
    };
  }
  return debianPackageSource({ debian, lockFile: system.lockFile, reporter: reporter.child("debian") });
}

function noDebian(): NotosError {
  return new NotosError("A builder of this system needs Debian packages, but no module declares the `debian` options.", {
    code: "NO_PACKAGE_SOURCE",
    hint: "import the module of @notos/debian (the standard `base` module does).",
  });
}

/** Realise the system's builders (or `only` those, with what they need). */
export async function buildSystem(system: LoadedSystem, options: BuildSystemOptions): Promise<BuiltSystem> {
  if (system.builders.length === 0) {
    throw new NotosError(`${system.file} adds no builders: there is nothing to build.`, {
      code: "NO_BUILDERS",
      hint: "import the standard modules (`base` from @notos/modules) or modules of builder packages.",
    });
  }
  const graph = buildGraph(system.builders);
  const epoch = sourceDateEpoch();
  // Entries turbo's cache restored beside dist/ are taken in instead of being built again.
  const store = new Store(system.storeDir, { substitutes: [carryDirectory(options.distDir ?? distDirectory(system))] });
  const run = runGraph(graph, {
    config: system.config,
    schema: system.schema,
    definitions: system.definitions,
    store,
    packages: options.packages ?? systemPackages(system, options.reporter),
    reporter: options.reporter,
    sourceDateEpoch: epoch,
  });
  const wanted = options.only ?? graph.builders.map((b) => b.name);
  // Settle every builder before failing, so none is left running behind an error.
  const results = await Promise.allSettled(wanted.map((name) => run.realise(name)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  await recordRealisations(system, run.realisations);
  // Roots first, so a gc running meanwhile cannot take entries the new outputs came from.
  const storeDir = resolve(system.storeDir);
  const entries = run.realisations.map((r) => resolve(r.artifact.path)).filter((p) => dirname(p) === storeDir);
  await writeRoots(
    system.storeDir,
    // A partial build (`notos build`, `notos path`) keeps its own roots, so it never drops what the last dist used.
    options.roots ?? (options.only ? `${rootsName(system)}-partial` : rootsName(system)),
    entries.map((p) => basename(p)),
  );
  if (failed) throw failed.reason;
  return { graph, artifacts: new Map(run.realisations.map((r) => [r.builder, r.artifact])), realisations: run.realisations, entries, epoch };
}

/** The roots file of a system's builds: one per configuration file, beside the store that systems share. */
export function rootsName(system: Pick<LoadedSystem, "file">): string {
  return `dist-${basename(dirname(system.file)).replace(/[^A-Za-z0-9._-]/g, "_")}-${hashValue(system.file).slice(0, 8)}`;
}

/** dist/ of a system: at the repository (or project) root, whichever system is built. */
export function distDirectory(system: LoadedSystem): string {
  return join(findRepoRoot(system.dir) ?? system.dir, "dist");
}

/**
 * Write every builder's dist files into `outDir`, replacing it whole. Modes
 * and times are fixed (0755 for what was executable, else 0644; the build's
 * epoch), so the same inputs give the same dist/ in bytes and metadata.
 */
export async function assembleDist(outDir: string, built: BuiltSystem, config: unknown): Promise<Map<string, string>> {
  const files = distFiles(built.graph, built.artifacts, config);
  if (files.size === 0) {
    throw new NotosError("No builder of this system puts a file into dist/.", { code: "NO_DIST_FILES", hint: "a builder names its files in `dist`; the standard modules add the kernel, initrd, rootfs and runvm builders." });
  }
  const target = resolve(outDir);
  await replaceDirectory(target, async (tmp) => {
    for (const [name, { file }] of files) {
      const to = join(tmp, name);
      // A copy-on-write clone where the file system can, a plain copy elsewhere.
      await copyFile(file, to, constants.COPYFILE_FICLONE);
      const executable = ((await stat(file)).mode & 0o111) !== 0;
      await chmod(to, executable ? 0o755 : 0o644);
      await utimes(to, built.epoch, built.epoch);
    }
    await chmod(tmp, 0o755);
  });
  return new Map([...files.keys()].map((name) => [name, join(target, name)]));
}
