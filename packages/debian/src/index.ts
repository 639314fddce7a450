// @notos/debian: the Debian archive as a verified, locked package source —
// the module with the `debian` options, the package source the builders
// fetch from, fetching a set's .debs and locking the system's sets.
// Reading a .deb is @notos/debian/deb; the metadata formats are
// @notos/debian/control; the index, resolver and downloads are
// @notos/debian/archive; the lock file as data is @notos/debian/lock.
export { debianModule } from "./module.js";
export { debianOptions, type DebianOptions } from "./options.js";
export { debianPackageSource, type DebianSourceOptions } from "./source.js";
export { fetchPackages, lockPackageSets, type FetchedPackage, type PackageOptions, type LockSetsContext, type LockResult, type SetChange } from "./packages.js";
export { DebianError } from "./errors.js";
