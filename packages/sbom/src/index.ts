// @notos/sbom: what is inside a notos system, said in the formats security
// tools read — the `sbom` builder (SPDX 2.3 and CycloneDX 1.5 JSON in dist/),
// the `dpkg-status` layer (/var/lib/dpkg/status in the root) and the module
// that adds both. The inventory, its two formats and the license mapping,
// as pure functions, are @notos/sbom/formats.
export { sbom, sbomPackages, sbomModule, SPDX_FILE, CYCLONEDX_FILE, type SbomArtifact, type SbomPackagesArtifact } from "./build.js";
export { dpkgStatusLayer, dpkgStatus, statusParagraph, DPKG_STATUS_PATH } from "./dpkg.js";
export type { DebInfo } from "./debs.js";
