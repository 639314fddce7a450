// The module merge: every module's definitions of an option combine into one
// value. Only the definitions with the best (lowest) priority at a path take
// part; among them lists concatenate in module order, records merge key by
// key, and scalars must agree.
import { isOverride } from "./module.js";
import { formatPath, type PathSegment } from "./path.js";
import type { ConfigIssue } from "./errors.js";

/** One module's value for an option (possibly wrapped in priority markers). */
export interface Definition {
  /** The module's file, or a label for a module without one. */
  file: string;
  value: unknown;
}

export interface MergeResult {
  value: unknown;
  /** Formatted option path → files whose definitions make up the merged value there. */
  definitions: Map<string, string[]>;
  /** Conflicting scalar definitions (the merged value has nothing at those paths). */
  conflicts: Array<ConfigIssue & { segments: PathSegment[] }>;
}

interface Candidate {
  file: string;
  value: unknown;
  priority: number;
}

const PLAIN_PRIORITY = 100;

export function mergeDefinitions(defs: readonly Definition[]): MergeResult {
  const definitions = new Map<string, string[]>();
  const conflicts: MergeResult["conflicts"] = [];

  const record = (segments: PathSegment[], files: string[]) => {
    if (segments.length === 0) return;
    const key = formatPath(segments);
    const known = definitions.get(key) ?? [];
    for (const f of files) if (!known.includes(f)) known.push(f);
    definitions.set(key, known);
  };

  const merge = (segments: PathSegment[], raw: Candidate[]): unknown => {
    const candidates = raw.map(unwrap).filter((c) => c.value !== undefined);
    if (candidates.length === 0) return undefined;
    const best = Math.min(...candidates.map((c) => c.priority));
    const winners = candidates.filter((c) => c.priority === best);
    record(segments, winners.map((c) => c.file));

    if (winners.every((c) => Array.isArray(c.value))) {
      const out: unknown[] = [];
      for (const c of winners) {
        for (const item of c.value as unknown[]) {
          record([...segments, out.length], [c.file]);
          out.push(stripMarkers(item));
        }
      }
      return out;
    }

    if (winners.every((c) => isPlainObject(c.value))) {
      const keys: string[] = [];
      for (const c of winners) for (const k of Object.keys(c.value as object)) if (!keys.includes(k)) keys.push(k);
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const sub = winners
          .filter((c) => Object.prototype.hasOwnProperty.call(c.value, k))
          .map((c) => ({ file: c.file, value: (c.value as Record<string, unknown>)[k], priority: PLAIN_PRIORITY }));
        const merged = merge([...segments, k], sub);
        if (merged !== undefined) out[k] = merged;
      }
      return out;
    }

    const first = winners[0]!;
    const other = winners.find((c) => !deepEqual(c.value, first.value));
    if (!other) return stripMarkers(first.value);
    const priorityNote = best === PLAIN_PRIORITY ? "" : ` (both at priority ${best})`;
    conflicts.push({
      segments,
      path: formatPath(segments),
      message:
        `conflicting values ${show(first.value)} and ${show(other.value)}${priorityNote}; ` +
        "wrap the one that should win in mkForce(…), or the other in mkDefault(…)",
      files: first.file === other.file ? [first.file] : [first.file, other.file],
    });
    return undefined;
  };

  const value = merge(
    [],
    defs.map((d) => ({ file: d.file, value: d.value, priority: PLAIN_PRIORITY })),
  );
  return { value, definitions, conflicts };
}

/** The outermost marker decides the priority (as `mkOverride` nesting does in NixOS). */
function unwrap(c: Candidate): Candidate {
  if (!isOverride(c.value)) return c;
  let value: unknown = c.value.value;
  while (isOverride(value)) value = value.value;
  return { file: c.file, value, priority: c.value.priority };
}

/** Markers inside list items carry no meaning: a list is taken whole. */
function stripMarkers(value: unknown): unknown {
  if (isOverride(value)) return stripMarkers(value.value);
  if (Array.isArray(value)) return value.map(stripMarkers);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripMarkers(v)]));
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || isOverride(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A short rendering of a value for messages. */
export function show(value: unknown): string {
  if (isOverride(value)) return show(value.value);
  if (typeof value === "function") return "a function";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
