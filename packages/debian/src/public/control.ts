// @notos/debian/control: the text formats of Debian's metadata — deb822
// paragraphs, package relations (Depends, Provides, …) and version order.
export { parseDeb822, field, type Paragraph, type Deb822Options } from "../deb822.js";
export { parseRelation, parseRelations, formatRelation, formatGroup, type Relation, type RelationGroup } from "../relations.js";
export { compareVersions, versionSatisfies, type VersionOp } from "../version.js";
