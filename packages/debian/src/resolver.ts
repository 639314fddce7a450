// The dependency closure of a set of root packages over an in-memory index,
// the way debootstrap builds one: Depends and Pre-Depends (Recommends and
// the Essential set only when asked), the first satisfiable alternative,
// version relations, virtual and versioned Provides. Pure: no I/O.
import { editDistance } from "@notos/core/text";
import { DebianError } from "./errors.js";
import type { PackageIndex, PackageRecord } from "./records.js";
import { formatGroup, formatRelation, parseRelations, type Relation, type RelationGroup } from "./relations.js";
import { versionSatisfies } from "./version.js";

export interface ResolveOptions {
  /** Which dependencies to follow: all, none (roots only), or only those whose package name matches the regex. */
  dependencies?: "all" | "none" | { only: string };
  /** Follow Recommends (unsatisfiable ones are skipped, as apt does). */
  recommends?: boolean;
  /** Add every Essential: yes package as a root. */
  essential?: boolean;
  /**
   * Packages chosen only when no other alternative or provider works.
   * Default: usrmerge (it converts a split-/usr system and pulls in perl;
   * a notos tree is merged already, so usr-is-merged is the right choice).
   */
  avoid?: string[];
}

export const DEFAULT_AVOID = ["usrmerge"];

interface Origin {
  parent: string;
  relation: string;
}

/** Which package satisfies `relation`, if any (highest version first; providers after real packages). */
function candidates(index: PackageIndex, relation: Relation): PackageRecord[] {
  const found: PackageRecord[] = [];
  for (const record of index.versions(relation.name)) {
    if (!relation.version || versionSatisfies(record.version, relation.version.op, relation.version.version)) found.push(record);
  }
  const providers = (index.providers.get(relation.name) ?? [])
    .filter((p) => !relation.version || (p.version !== undefined && versionSatisfies(p.version, relation.version.op, relation.version.version)))
    .map((p) => p.record)
    // A provider is eligible only in its newest version (apt installs that one).
    .filter((r) => index.versions(r.package)[0] === r)
    // As apt does: the provider with the most important Priority, then by name.
    .sort((a, b) => priorityRank(a) - priorityRank(b) || (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  for (const r of providers) if (!found.includes(r)) found.push(r);
  return found;
}

const PRIORITIES = ["required", "important", "standard", "optional", "extra"];

function priorityRank(record: PackageRecord): number {
  const i = PRIORITIES.indexOf(record.priority ?? "optional");
  return i < 0 ? PRIORITIES.length : i;
}

/** Does the selected set already satisfy `relation`? */
function satisfiedBy(selected: Map<string, PackageRecord>, index: PackageIndex, relation: Relation): PackageRecord | undefined {
  const real = selected.get(relation.name);
  if (real && (!relation.version || versionSatisfies(real.version, relation.version.op, relation.version.version))) return real;
  for (const p of index.providers.get(relation.name) ?? []) {
    if (selected.get(p.record.package) !== p.record) continue;
    if (!relation.version || (p.version !== undefined && versionSatisfies(p.version, relation.version.op, relation.version.version))) return p.record;
  }
  return undefined;
}

/** Up to five index names close to `name` (edit distance, shared prefix or substring). */
export function closeMatches(index: PackageIndex, name: string, limit = 5): string[] {
  const scored: [number, string][] = [];
  const all = new Set([...index.names(), ...index.providers.keys()]);
  for (const candidate of all) {
    // Most of the ~60 000 names differ in length by more than the cut-off: skip those without a full distance.
    let score = Math.abs(name.length - candidate.length) > 3 ? 4 : editDistance(name, candidate);
    if (score > 3 && (candidate.includes(name) || (name.length >= 4 && name.includes(candidate)))) score = 3 + Math.abs(candidate.length - name.length) / 100;
    if (score <= 3.5) scored.push([score, candidate]);
  }
  // Ties go to the longer shared prefix ("nginx-lite" → "nginx-light" before "nginx-core").
  const prefix = (c: string): number => {
    let i = 0;
    while (i < c.length && c[i] === name[i]) i++;
    return i;
  };
  return scored
    .sort((a, b) => a[0] - b[0] || prefix(b[1]) - prefix(a[1]) || (a[1] < b[1] ? -1 : 1))
    .slice(0, limit)
    .map(([, n]) => n);
}

/**
 * Resolve the closure of `roots`. Returns the chosen packages sorted by name.
 * Throws a DebianError for an unknown root (with close matches) or an
 * unsatisfiable dependency (with the chain that led to it).
 */
export function resolve(index: PackageIndex, roots: string[], options: ResolveOptions = {}): PackageRecord[] {
  const mode = options.dependencies ?? "all";
  const follow = typeof mode === "object" ? new RegExp(mode.only) : undefined;
  const avoid = new Set(options.avoid ?? DEFAULT_AVOID);
  const selected = new Map<string, PackageRecord>();
  const origins = new Map<string, Origin>();
  // Hard dependencies are settled before alternatives, so an alternative can
  // pick what the rest of the closure already needs.
  const queue: string[] = [];
  const deferred: { from: string; group: RelationGroup; optional: boolean }[] = [];

  const chain = (name: string): string[] => {
    const names = [name];
    for (let o = origins.get(name); o && names.length < 64; o = origins.get(o.parent)) names.unshift(o.parent);
    return names;
  };

  const add = (record: PackageRecord, origin?: Origin): void => {
    if (selected.has(record.package)) return;
    selected.set(record.package, record);
    if (origin) origins.set(record.package, origin);
    if (mode !== "none") queue.push(record.package);
  };

  const rootNames = [...roots];
  if (options.essential) {
    for (const name of [...index.names()].sort()) if (index.versions(name)[0]?.essential) rootNames.push(name);
  }
  for (const root of rootNames) {
    const relation = parseRootRelation(root);
    const found = candidates(index, relation);
    if (found.length === 0) {
      const close = closeMatches(index, relation.name);
      throw new DebianError(`unknown Debian package "${root}"`, {
        code: "DEBIAN_UNKNOWN_PACKAGE",
        hint: close.length ? `did you mean ${close.map((n) => `"${n}"`).join(", ")}?` : "check the name with `apt-cache search <word>`",
      });
    }
    add(pick(found, selected, avoid));
  }

  const rank = (group: RelationGroup): Relation[] => {
    const usable = follow ? group.filter((r) => follow.test(r.name) || candidates(index, r).some((c) => follow.test(c.package))) : group;
    return [...usable.filter((r) => !avoid.has(r.name)), ...usable.filter((r) => avoid.has(r.name))];
  };

  // Settle one dependency; returns false when nothing can satisfy it.
  const settle = (from: string, group: RelationGroup): boolean => {
    const ranked = rank(group);
    if (ranked.length === 0) return true;
    if (ranked.some((r) => satisfiedBy(selected, index, r))) return true;
    for (const relation of ranked) {
      const found = candidates(index, relation).filter((c) => (!follow || follow.test(c.package)) && isInstallable(c, selected));
      if (found.length) {
        add(pick(found, selected, avoid), { parent: from, relation: formatRelation(relation) });
        return true;
      }
    }
    return false;
  };

  const fail = (from: string, group: RelationGroup): never => {
    const why = group
      .map((r) => {
        const have = selected.get(r.name);
        if (have) return `${r.name} ${have.version} is already chosen`;
        const versions = index.versions(r.name).map((v) => v.version);
        return versions.length ? `${r.name} has only ${versions.join(", ")}` : `no package is or provides ${r.name}`;
      })
      .join("; ");
    throw new DebianError(`unsatisfiable dependency: ${[...chain(from), formatGroup(group)].join(" → ")} (${why})`, {
      code: "DEBIAN_UNSATISFIABLE",
      hint: "the suites in debian.suites do not hold a matching version; add a suite (e.g. bookworm-updates), or refresh the lock if the archive moved on",
    });
  };

  for (;;) {
    const name = queue.shift();
    if (name !== undefined) {
      const record = selected.get(name)!;
      for (const group of [...parseRelations(record.preDepends), ...parseRelations(record.depends)]) {
        if (group.length > 1) deferred.push({ from: name, group, optional: false });
        else if (!settle(name, group)) fail(name, group);
      }
      if (options.recommends) for (const group of parseRelations(record.recommends)) deferred.push({ from: name, group, optional: true });
      continue;
    }
    const next = deferred.shift();
    if (!next) break;
    if (!settle(next.from, next.group) && !next.optional) fail(next.from, next.group);
  }

  return [...selected.values()].sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
}

// A candidate whose name is already chosen in another version cannot be added.
function isInstallable(record: PackageRecord, selected: Map<string, PackageRecord>): boolean {
  const have = selected.get(record.package);
  return !have || have === record;
}

// Among satisfiers: one already chosen, else one not avoided, else the first.
function pick(found: PackageRecord[], selected: Map<string, PackageRecord>, avoid: Set<string>): PackageRecord {
  return found.find((r) => selected.get(r.package) === r) ?? found.find((r) => !avoid.has(r.package)) ?? found[0]!;
}

// Roots may carry a version: "bash", "bash (= 5.2.15-2+b7)" or "bash=5.2.15-2+b7".
function parseRootRelation(root: string): Relation {
  const eq = /^([^\s=(]+)=(.+)$/.exec(root);
  if (eq) return { name: eq[1]!, version: { op: "=", version: eq[2]! } };
  return parseRelations(root)[0]?.[0] ?? { name: root };
}
