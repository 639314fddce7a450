// @notos/core/tree: file trees as data — entries with owners, modes and device
// numbers that never touch the host — and the layer format in the store.
export type {
  TreeEntry,
  TreeEntryType,
  FileEntry,
  DirEntry,
  SymlinkEntry,
  HardlinkEntry,
  DeviceEntry,
  FifoEntry,
  ManifestEntry,
  Layer,
} from "../tree.js";
export { layerEntries, ancestors, treeEntry, fileText, type EntryConstructors, type EntryDetail } from "../entries.js";
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
