// @notos/sbom/formats: the inventory of a build and its two SBOM formats as
// pure functions, the DEP-5 → SPDX license mapping, content-derived ids,
// and reading an initrd's members back.
export { toSpdx } from "../spdx.js";
export { toCycloneDx } from "../cyclonedx.js";
export { isoSeconds, rootFiles, rootBytes, type Inventory, type InventoryFile, type InventoryPackage, type InventoryArtifact, type InventoryLayer, type InventoryBuilder, type RootRow } from "../inventory.js";
export { packageLicense, spdxId, licenseRefId, type PackageLicense, type LicenseRef } from "../license.js";
export { readDebInfo, sourceOf, type DebInfo, type ControlFields } from "../debs.js";
export { contentUuid, debPurl, sha256Hex } from "../ids.js";
export { initrdMembers } from "../initrd.js";
