// Packages + skeleton (+ layers, for a whole root in one piece) → the finished, sorted root (data only).
import type { Layer, TreeEntry } from "@notos/core/tree";
import type { Reporter } from "@notos/core/progress";
import { mergedUsrPath, readDebData } from "@notos/debian/deb";
import { pathFilter, type PathMatcher } from "./glob.js";
import type { RootfsConfig } from "./options.js";
import { limitSetuid } from "./setuid.js";
import { addSkeleton } from "./skeleton.js";
import { RootTree, type RootEntry } from "./tree.js";

/** One package as the root assembly takes it (not core's PackageSource, which hands out .debs). */
export interface PackageEntries {
  name: string;
  /** The package's data entries in archive order (paths as shipped, before the /usr merge). */
  entries: AsyncIterable<TreeEntry> | Iterable<TreeEntry>;
  /** Which of its non-directory (merged-/usr) paths stay: its file selection, when one holds. */
  select?: PathMatcher;
}

export interface AssembleOptions {
  rootfs: Pick<RootfsConfig, "exclude" | "include" | "conflicts"> & Partial<Pick<RootfsConfig, "setuid">>;
  packages: readonly PackageEntries[];
  /** Applied in order, after the packages and the skeleton. */
  layers: readonly Layer[];
  /** False for the package image alone, whose layers come later (root-layers checks `rootfs.setuid` against the whole root). Default true. */
  complete?: boolean;
  reporter?: Reporter;
}

export interface AssembledRoot {
  entries: RootEntry[];
  tree: RootTree;
}

export async function assembleRoot(options: AssembleOptions): Promise<AssembledRoot> {
  const tree = new RootTree({ mapPath: mergedUsrPath, keep: pathFilter(options.rootfs), conflicts: options.rootfs.conflicts });
  const packages = inMergeOrder(options.packages);
  for (const [i, pkg] of packages.entries()) {
    options.reporter?.debug(`extracting ${pkg.name}`);
    const sink = tree.addPackage(pkg.name, pkg.select);
    for await (const entry of pkg.entries) sink.add(entry);
    sink.done();
    options.reporter?.count("merging the root", i + 1, packages.length, "packages");
  }
  addSkeleton(tree);
  for (const layer of options.layers) tree.addLayer(layer);
  return { entries: limitSetuid(tree.finish(), options.rootfs.setuid, { complete: options.complete ?? true }), tree };
}

/**
 * The order assembleRoot merges packages in: by name, not resolver order, so
 * that "the first package's directory metadata wins" does not depend on how
 * the lock file lists them.
 */
export function inMergeOrder<P extends { name: string }>(packages: readonly P[]): P[] {
  return [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Package sources that stream each .deb's data archive. */
export function debSources(packages: readonly { name: string; file: string }[]): PackageEntries[] {
  return packages.map((p) => ({ name: p.name, entries: readDebData(p.file) }));
}
