// The root's generated layers (etc, runit, every layer builder of the
// system) travel apart from the package image: root.squashfs holds the
// packages and the skeleton, and the `root-layers` builder packs the layers
// into a small newc archive that the initrd carries (`/root-layers/…`, an
// initrd part of @notos/initrd). Stage 1 copies it to a tmpfs and puts it
// above the package image in the overlay's lowerdir. A configuration edit
// then re-packs this archive — kilobytes — and never recompresses the
// packages: the rootfs store key does not depend on any layer.
//
// The merge is the one the single image had: the layers go on top of the
// package root (read back from its manifest.json) with the same checks — no
// private key, no ssh host key, nothing below a package's file or link — and
// parent directories keep the packages' owners and modes, because in an
// overlay the topmost copy of a directory decides them.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { cpioChunks, planCpio, writeCompressed } from "@notos/cpio";
import { defineBuilder, layers } from "@notos/core";
import { ancestors, readLayer, type Layer, type ManifestEntry, type TreeEntry } from "@notos/core/tree";
import { mergedUsrPath } from "@notos/debian/deb";
import { INITRD_PART_ROLE, type InitrdPartArtifact } from "@notos/initrd";
import { rootfs } from "./build.js";
import { RootfsError } from "./errors.js";
import { rootManifest, sizeReport } from "./manifest.js";
import { limitSetuid } from "./setuid.js";
import { RootTree, type RootEntry } from "./tree.js";

/** Bump when the same inputs would give a different archive. */
export const ROOT_LAYERS_VERSION = "1";
/** Where the layers sit inside the initrd; stage 1 looks for this directory. */
export const ROOT_LAYERS_DIR = "/root-layers";
export const ARCHIVE_FILE = "root-layers.cpio.gz";
export const ROOT_MANIFEST_FILE = "manifest.json";
export const LAYER_SIZES_FILE = "sizes.json";

export interface RootLayersArtifact extends InitrdPartArtifact {
  builder: "root-layers";
  /** manifest.json: every entry of the running root (packages and layers) with its origin and what it overrides. */
  manifest: string;
  /** sizes.json: bytes per layer. */
  sizeReport: string;
  /** Bytes of the archive. */
  size: number;
}

interface RootLayersMeta {
  entries: number;
  size: number;
}

/** A manifest entry of the package image back as a root entry (files without content: only layer files are written). */
export function fromManifest(entry: ManifestEntry): RootEntry {
  const base = { path: entry.path, mode: parseInt(entry.mode, 8), uid: entry.uid, gid: entry.gid, origin: entry.origin ?? "unknown" };
  switch (entry.type) {
    case "file":
    case "hardlink":
      return { ...base, type: "file", content: new Uint8Array() };
    case "symlink":
      return { ...base, type: "symlink", target: entry.target ?? "" };
    case "char":
    case "block":
      return { ...base, type: entry.type, major: entry.major ?? 0, minor: entry.minor ?? 0 };
    default:
      return { ...base, type: entry.type } as RootEntry;
  }
}

export interface LayeredRoot {
  /** The whole running root: the package image with the layers on top, setuid bits limited. */
  entries: RootEntry[];
  /** What the archive holds: the layers' entries and their parent directories, at their root paths. */
  layerEntries: RootEntry[];
  tree: RootTree;
}

/**
 * The layers on top of the package image (its manifest entries), as data.
 * `setuid` is `rootfs.setuid`, checked against the whole root.
 */
export function layerRoot(packageRoot: readonly ManifestEntry[], layerTrees: readonly Layer[], setuid: Readonly<Record<string, string>> | undefined): LayeredRoot {
  const tree = new RootTree({ mapPath: mergedUsrPath, keep: () => true });
  tree.seed(packageRoot.map(fromManifest));
  const fromLayers = new Set<string>();
  for (const layer of layerTrees) {
    for (const raw of layer.entries) {
      if (raw.type !== "hardlink") continue;
      const target = mergedUsrPath(raw.target ?? "");
      if (!fromLayers.has(target) && !layer.entries.some((e) => e !== raw && e.type === "file" && mergedUsrPath(e.path) === target)) {
        throw new RootfsError(`layer ${layer.name}: hard link ${raw.path} points to ${raw.target ?? "nothing"}, which no layer ships`, {
          code: "ROOTFS_LAYER_LINK",
          hint: "the layers travel apart from the package image: ship a copy of the file (or a symlink) instead of a hard link to a package's file",
        });
      }
    }
    tree.addLayer(layer);
    for (const e of layer.entries) fromLayers.add(mergedUsrPath(e.path));
  }
  const entries = limitSetuid(tree.finish(), setuid);
  const kinds = tree.origins;
  const chosen = new Set<string>();
  for (const entry of entries) {
    if (kinds.get(entry.origin) !== "layer") continue;
    chosen.add(entry.path);
    for (const dir of ancestors(entry.path)) chosen.add(dir);
  }
  chosen.delete("/");
  return { entries, layerEntries: entries.filter((e) => chosen.has(e.path)), tree };
}

/** The archive's entries: the layer entries below ROOT_LAYERS_DIR. */
export function archiveEntries(layerEntries: readonly RootEntry[]): TreeEntry[] {
  const top: TreeEntry = { path: ROOT_LAYERS_DIR, type: "dir", mode: 0o755, uid: 0, gid: 0 };
  return [top, ...layerEntries.map(({ origin: _origin, overrides: _overrides, ...e }) => ({ ...e, path: ROOT_LAYERS_DIR + e.path }) as TreeEntry)];
}

export const rootLayers = defineBuilder({
  name: "root-layers",
  version: ROOT_LAYERS_VERSION,
  description: "Every layer of the system on top of root.squashfs's packages, packed as the newc archive the initrd carries to stage 1 (gzip).",
  // The whole `rootfs` namespace (its setuid list is what it uses): an option read that is unset would need the schema at hand.
  reads: ["rootfs"],
  inputs: { rootfs, layers },
  roles: [INITRD_PART_ROLE],
  async build({ options, inputs, out, reporter, sourceDateEpoch }): Promise<RootLayersMeta> {
    const packageRoot = JSON.parse(await fs.readFile(inputs.rootfs.manifest, "utf8")) as ManifestEntry[];
    const layerTrees = await Promise.all(inputs.layers.map((artifact) => readLayer(artifact.path)));
    reporter.step("merging the layers", `${layerTrees.map((l) => l.name).join(", ") || "none"} on ${packageRoot.length} entries of root.squashfs`);
    const root = layerRoot(packageRoot, layerTrees, options.rootfs.setuid);
    const entries = archiveEntries(root.layerEntries);
    const records = planCpio(entries, { mtime: sourceDateEpoch });
    await writeCompressed(cpioChunks(records), "gzip", join(out, ARCHIVE_FILE));
    // Package entries as root.squashfs's manifest has them (sizes, digests); the layers' own.
    const fromImage = new Map(packageRoot.map((e) => [e.path, e]));
    const manifest = rootManifest(root.entries).map((e) => (root.tree.origins.get(e.origin) === "layer" ? e : (fromImage.get(e.path) ?? e)));
    await fs.writeFile(join(out, ROOT_MANIFEST_FILE), JSON.stringify(manifest, null, 1) + "\n");
    const size = (await fs.stat(join(out, ARCHIVE_FILE))).size;
    const layerKinds = new Map([...root.tree.origins].filter(([, kind]) => kind === "layer"));
    const sizes = sizeReport(root.layerEntries.filter((e) => layerKinds.has(e.origin)), layerKinds, { compression: "gzip", bytes: size });
    await fs.writeFile(join(out, LAYER_SIZES_FILE), JSON.stringify(sizes, null, 1) + "\n");
    reporter.info(`${records.length} entries of ${layerTrees.length} layers for the initrd: ${size} bytes (gzip)`);
    return { entries: records.length, size };
  },
  artifact: (entry): RootLayersArtifact => ({
    builder: "root-layers",
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    archive: join(entry.path, ARCHIVE_FILE),
    entries: entry.meta.entries,
    manifest: join(entry.path, ROOT_MANIFEST_FILE),
    sizeReport: join(entry.path, LAYER_SIZES_FILE),
    size: entry.meta.size,
  }),
});
