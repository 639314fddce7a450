// @notos/core/store: the content-addressed store and its GC roots — for tools
// that inspect or clean the store; builders never touch it (the run does).
export { Store, storeKey, hashValue, canonicalJson, type StoreEntry, type StoreOptions, type KeyInputs } from "../store.js";
export { writeRoots, readRoots, rootsDir, collectGarbage, type RootsFile } from "../roots.js";
