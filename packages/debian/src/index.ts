// @notos/debian: the Debian archive as a verified, locked package source.
export { DebianError, REFRESH_HINT } from "./errors.js";
export { parseDeb822, field, type Paragraph, type Deb822Options } from "./deb822.js";
export { compareVersions, versionSatisfies, type VersionOp } from "./version.js";
export { parseRelation, parseRelations, formatRelation, formatGroup, type Relation, type RelationGroup } from "./relations.js";
export {
  parseDeb822Sources,
  parseOneLineSources,
  selectSuiteSources,
  readHostSources,
  suiteSources,
  type AptSource,
  type SuiteSource,
  type SourceSettings,
} from "./sources.js";
export { cacheDir } from "./cache.js";
export { verifyInRelease, parseRelease, fetchRelease, type Release, type IndexFileHash, type FetchedRelease } from "./release.js";
export { loadIndex, loadSuite, checkHash, packagesFile, type IndexOptions } from "./archive.js";
export { PackageIndex, parsePackages, type PackageRecord, type Provider } from "./records.js";
export { resolve, closeMatches, DEFAULT_AVOID, type ResolveOptions } from "./resolver.js";
export { setDefinition, type PackageSet, type SetDefinition } from "./sets.js";
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
} from "./lockfile.js";
export { downloadDebs, isIntact, sha256File, type DownloadOptions } from "./download.js";
export {
  fetchPackages,
  lockSystem,
  lockPackageSets,
  resolveSet,
  diffSets,
  lockedArchive,
  type FetchedPackage,
  type PackageOptions,
  type SetChange,
  type LockResult,
  type LockSetsContext,
} from "./packages.js";
export { readDebData, readDebControl, mergedUsrPath, normaliseDebPath, type DebEntry, type DebControl } from "./deb.js";
export { listArMembers, type ArMember } from "./ar.js";
export { debianPackageSource, type DebianSourceOptions } from "./source.js";
export { debianOptions, debianSchema, type DebianOptions } from "./options.js";
export { debianModule } from "./module.js";
