// manifest.json (every entry of the root, without content) and sizes.json
// (where the bytes come from), both pure functions of the finished tree.
import { manifestEntry, type ManifestEntry } from "@notos/core/tree";
import type { OriginKind, RootEntry } from "./tree.js";

export interface RootManifestEntry extends ManifestEntry {
  origin: string;
}

export function rootManifest(entries: readonly RootEntry[]): RootManifestEntry[] {
  return entries.map((entry) => ({
    ...manifestEntry(entry),
    origin: entry.origin,
    ...(entry.overrides !== undefined ? { overrides: entry.overrides } : {}),
  }));
}

export interface OriginSize {
  origin: string;
  kind: OriginKind;
  /** Bytes of the regular files this origin has in the root (after filters and overrides). */
  bytes: number;
  files: number;
}

export interface SizeReport {
  image: { compression: string; bytes: number };
  /** Bytes of all regular files in the root, uncompressed. */
  files: number;
  entries: number;
  /** Per package, layer and the skeleton, largest first (then by name). */
  origins: OriginSize[];
}

export function sizeReport(entries: readonly RootEntry[], kinds: ReadonlyMap<string, OriginKind>, image: SizeReport["image"]): SizeReport {
  const byOrigin = new Map<string, OriginSize>();
  for (const [origin, kind] of kinds) byOrigin.set(origin, { origin, kind, bytes: 0, files: 0 });
  let total = 0;
  for (const entry of entries) {
    const row = byOrigin.get(entry.origin) ?? { origin: entry.origin, kind: kinds.get(entry.origin) ?? "skeleton", bytes: 0, files: 0 };
    byOrigin.set(entry.origin, row);
    if (entry.type !== "file") continue;
    const size = entry.content?.byteLength ?? 0;
    row.bytes += size;
    row.files += 1;
    total += size;
  }
  const origins = [...byOrigin.values()].sort((a, b) => b.bytes - a.bytes || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0));
  return { image, files: total, entries: entries.length, origins };
}
