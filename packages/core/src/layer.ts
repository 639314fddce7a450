// The on-disk form of a layer in the store: one `layer.json` holding every
// entry with its content (base64), so ownership, modes and device numbers
// survive without root, and a manifest computed from it.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { LayerArtifact } from "./build.js";
import type { Store } from "./store.js";
import type { FileEntry, Layer, ManifestEntry, TreeEntry } from "./tree.js";

export const LAYER_FILE = "layer.json";

/** A file's content is base64 in JSON; every other entry is stored as it is. */
type StoredEntry = Exclude<TreeEntry, FileEntry> | (Omit<FileEntry, "content"> & { content: string });

/** Sort entries so that a directory comes before its contents (byte order of paths). */
export function sortEntries<T extends { path: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function serializeLayer(layer: Layer): string {
  const entries: StoredEntry[] = sortEntries(layer.entries).map((entry) =>
    entry.type === "file" ? { ...entry, content: Buffer.from(entry.content).toString("base64") } : entry,
  );
  return JSON.stringify({ name: layer.name, entries }, null, 1) + "\n";
}

export function parseLayer(text: string): Layer {
  const raw = JSON.parse(text) as { name: string; entries: StoredEntry[] };
  return {
    name: raw.name,
    entries: raw.entries.map((entry) =>
      entry.type === "file" ? { ...entry, content: new Uint8Array(Buffer.from(entry.content, "base64")) } : entry,
    ),
  };
}

export async function writeLayer(dir: string, layer: Layer): Promise<string> {
  const file = join(dir, LAYER_FILE);
  await fs.writeFile(file, serializeLayer(layer));
  return file;
}

export async function readLayer(dir: string): Promise<Layer> {
  return parseLayer(await fs.readFile(join(dir, LAYER_FILE), "utf8"));
}

export function manifestEntry(entry: TreeEntry): ManifestEntry {
  const size = entry.type === "file" ? entry.content.byteLength : 0;
  return {
    path: entry.path,
    type: entry.type,
    mode: "0" + (entry.mode & 0o7777).toString(8).padStart(3, "0"),
    uid: entry.uid,
    gid: entry.gid,
    size,
    ...(entry.type === "file" ? { sha256: createHash("sha256").update(entry.content).digest("hex") } : {}),
    ...(entry.type === "symlink" || entry.type === "hardlink" ? { target: entry.target } : {}),
    ...(entry.type === "char" || entry.type === "block" ? { major: entry.major, minor: entry.minor } : {}),
    ...(entry.origin !== undefined ? { origin: entry.origin } : {}),
  };
}

export function layerManifest(layer: Layer): ManifestEntry[] {
  return sortEntries(layer.entries).map(manifestEntry);
}

export const LAYER_MANIFEST_FILE = "manifest.json";

/**
 * A layer builder's store step: the entry under `key` holds `layer.json` and
 * `manifest.json`; built only when the store does not have it yet.
 */
export async function storeLayer(store: Store, layer: Layer, key: string): Promise<LayerArtifact> {
  const entry = await store.realise(layer.name, key, async (dir) => {
    await writeLayer(dir, layer);
    await fs.writeFile(join(dir, LAYER_MANIFEST_FILE), JSON.stringify(layerManifest(layer), null, 1) + "\n");
    return { entries: layer.entries.length };
  });
  return { builder: layer.name, path: entry.path, digest: entry.digest, cached: entry.cached, layerName: layer.name };
}

/** Copy a layer artifact's layer.json and manifest.json into `outDir` (a layer task's `out/`). */
export async function writeLayerOutputs(artifact: LayerArtifact, outDir: string): Promise<void> {
  for (const name of [LAYER_FILE, LAYER_MANIFEST_FILE]) await fs.copyFile(join(artifact.path, name), join(outDir, name));
}
