// @notos/sbom/diff: two builds compared from their dist/ directories — the
// record of a build (from its CycloneDX SBOM and its files' sizes), the pure
// comparison, and its text.
export { readBuild, buildRecord, diffBuilds, formatDiff, type BuildRecord, type BuildDiff, type RecordedPackage, type RecordedFile, type SizeChange } from "../diff.js";
