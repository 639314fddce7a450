// @notos/debian/deb: reading a .deb without dpkg or root — its data archive
// as tree entries (many packages' in a row through one decompressor), its
// control paragraph, its ar members — and the merged-/usr path mapping every
// consumer of Debian paths applies; and the copyrights a builder that
// unpacks packages records for the builders that describe them.
export { readDebData, readDebControl, mergedUsrPath, normaliseDebPath, type DebEntry, type DebControl, type ReadDebDataOptions } from "../deb.js";
export { readDebDataInOrder, type DebDataInOrder } from "../in-order.js";
export { listArMembers, type ArMember } from "../ar.js";
export { CopyrightRecorder, readCopyrights, copyrightPath, COPYRIGHTS_FILE, type RecordedCopyrights } from "../copyrights.js";
