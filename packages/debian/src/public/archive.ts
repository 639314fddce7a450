// @notos/debian/archive: the archive underneath the package source — where
// each suite comes from, the signed Release, the package index, the
// resolver over it and the verified download cache — for tools that query
// the archive rather than build from it.
export {
  parseDeb822Sources,
  parseOneLineSources,
  selectSuiteSources,
  readHostSources,
  suiteSources,
  type AptSource,
  type SuiteSource,
  type SourceSettings,
} from "../sources.js";
export { verifyInRelease, parseRelease, fetchRelease, type Release, type IndexFileHash, type FetchedRelease } from "../release.js";
export { loadIndex, loadSuite, checkHash, packagesFile, type IndexOptions } from "../archive.js";
export { PackageIndex, parsePackages, type PackageRecord, type Provider } from "../records.js";
export { resolve, closeMatches, DEFAULT_AVOID, type ResolveOptions } from "../resolver.js";
export { downloadDebs, isIntact, sha256File, type DownloadOptions } from "../download.js";
export { cacheDir } from "../cache.js";
