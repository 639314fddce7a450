// The inventory: what one build put into its artifacts, as plain data —
// the packages (with licenses and the files each put into the root), the
// kernel and the modules its initrd carries, the artifacts with their
// digests, the builders with their versions. Both SBOM formats are pure
// functions of it, so they say the same thing.
import type { DebInfo } from "./debs.js";

export interface InventoryFile {
  /** Absolute path in the artifact ("/usr/bin/bash", "/lib/modules/…/overlay.ko"). */
  path: string;
  sha256: string;
  size: number;
}

export interface InventoryPackage extends DebInfo {
  /** The regular files it put into the root (after the rootfs's filters and overrides), by path. */
  files: InventoryFile[];
}

export interface InventoryArtifact {
  /** Its file name in dist/. */
  name: string;
  sha256: string;
  size: number;
}

export interface InventoryLayer {
  /** The layer's origin in the root: a layer builder's name, or "skeleton". */
  origin: string;
  files: InventoryFile[];
}

export interface InventoryBuilder {
  name: string;
  version: string;
  /** Digest of its output in the store. */
  digest: string;
}

export interface Inventory {
  system: { name: string; version: string };
  /** ISO 8601, seconds, UTC: from the build's SOURCE_DATE_EPOCH, never the clock. */
  created: string;
  tool: { name: string; version: string };
  /** Debian distribution of the packages, for purls ("bookworm"). */
  distro: string;
  artifacts: InventoryArtifact[];
  packages: InventoryPackage[];
  layers: InventoryLayer[];
  kernel: { release: string; package?: string; modules: Array<InventoryFile & { name: string }> };
  /** The initrd's regular files, as the kernel unpacks them (modules, busybox, /init, any parts appended). */
  initrd: InventoryFile[];
  builders: InventoryBuilder[];
}

/** A root manifest row (from @notos/rootfs's manifest.json) as far as the inventory needs it. */
export interface RootRow {
  path: string;
  type: string;
  size: number;
  sha256?: string;
  origin: string;
}

/** Seconds since the epoch → "1970-01-01T00:00:00Z" (SPDX wants no fraction). */
export function isoSeconds(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Split the root's regular files by origin: packages get theirs, the rest are layers. */
export function rootFiles(rows: readonly RootRow[], packageNames: ReadonlySet<string>): { packages: Map<string, InventoryFile[]>; layers: InventoryLayer[] } {
  const packages = new Map<string, InventoryFile[]>();
  const layers = new Map<string, InventoryFile[]>();
  for (const row of rows) {
    if (row.type !== "file" || row.sha256 === undefined) continue;
    const file = { path: row.path, sha256: row.sha256, size: row.size };
    const target = packageNames.has(row.origin) ? packages : layers;
    target.set(row.origin, [...(target.get(row.origin) ?? []), file]);
  }
  for (const files of [...packages.values(), ...layers.values()]) files.sort(byPath);
  return {
    packages,
    layers: [...layers].map(([origin, files]) => ({ origin, files })).sort((a, b) => (a.origin < b.origin ? -1 : 1)),
  };
}

/** The debian package's bytes in the root (regular files it put there). */
export function rootBytes(p: { files: readonly InventoryFile[] }): number {
  return p.files.reduce((n, f) => n + f.size, 0);
}
