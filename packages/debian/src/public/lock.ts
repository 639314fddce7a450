// @notos/debian/lock: notos.lock.json as data — its format, reading and
// writing it, and locking a set over an index — for tools that inspect or
// edit the lock; `lockPackageSets` in the main entry is what `notos lock` runs.
export {
  LOCKFILE_VERSION,
  parseLock,
  serializeLock,
  readLock,
  writeLock,
  lockedSet,
  withSet,
  type LockFile,
  type LockedSet,
  type LockedPackage,
  type LockedArchive,
} from "../lockfile.js";
export { lockSystem, resolveSet, diffSets, lockedArchive } from "../packages.js";
export { setDefinition, type PackageSet, type SetDefinition } from "../sets.js";
export { REFRESH_HINT } from "../errors.js";
