// Package relationship fields (Depends, Pre-Depends, Recommends, Provides),
// Debian Policy §7.1: comma-separated groups of "|"-separated alternatives.
import { DebianError } from "./errors.js";
import type { VersionOp } from "./version.js";

export interface Relation {
  name: string;
  /** Architecture qualifier as written (":any", ":native"); resolution ignores it for a single-architecture root. */
  archQualifier?: string;
  version?: { op: VersionOp; version: string };
}

/** A dependency: any one of the alternatives satisfies it. */
export type RelationGroup = Relation[];

const RELATION = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^\s)]+)\s*\))?\s*(?:\[[^\]]*\])?\s*(?:<[^>]*>\s*)*$/i;

export function parseRelation(text: string): Relation {
  const m = RELATION.exec(text.trim());
  if (!m) {
    throw new DebianError(`cannot parse package relation ${JSON.stringify(text)}`, {
      code: "DEBIAN_RELATION",
      hint: 'a package is named as `name`, `name=version` or `name (op version)` with op one of << <= = >= >>, e.g. "bash (>= 5.2)"',
    });
  }
  const relation: Relation = { name: m[1]!.toLowerCase() };
  if (m[2]) relation.archQualifier = m[2];
  if (m[3] && m[4]) {
    // "<" and ">" are obsolete spellings of "<=" and ">=".
    const op = m[3] === "<" ? "<=" : m[3] === ">" ? ">=" : (m[3] as VersionOp);
    relation.version = { op, version: m[4] };
  }
  return relation;
}

export function parseRelations(text: string | undefined): RelationGroup[] {
  if (!text || !text.trim()) return [];
  return text
    .split(",")
    .map((group) => group.trim())
    .filter((group) => group !== "")
    .map((group) => group.split("|").map(parseRelation));
}

export function formatRelation(r: Relation): string {
  return `${r.name}${r.archQualifier ? `:${r.archQualifier}` : ""}${r.version ? ` (${r.version.op} ${r.version.version})` : ""}`;
}

export function formatGroup(group: RelationGroup): string {
  return group.map(formatRelation).join(" | ");
}
