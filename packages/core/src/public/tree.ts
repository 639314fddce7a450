// @notos/core/tree: file trees as data — entries with owners, modes and device
// numbers that never touch the host — and the layer format in the store.
export type { TreeEntry, TreeEntryType, ManifestEntry, Layer } from "../tree.js";
export { layerEntries, ancestors, type EntryConstructors } from "../entries.js";
export {
  LAYER_FILE,
  LAYER_MANIFEST_FILE,
  sortEntries,
  serializeLayer,
  parseLayer,
  writeLayer,
  readLayer,
  manifestEntry,
  layerManifest,
} from "../layer.js";
