// "Why did this rebuild?" Every build records, per builder, exactly what its
// store key hashed (option slice, input digests, locked packages, version) in
// `<system dir>/.notos/why/<builder>.json`. `notos why` computes the same for
// the configuration as it is now — looking inputs up in the store, building
// nothing — and names what differs: option paths, inputs, package versions.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { sourceDateEpoch, type LoadedSystem, type PackageSource } from "@notos/core";
import { writeFileAtomic } from "@notos/core/fs";
import { buildGraph, builderKeyInputs, isBuilder, optionSlice, type Realisation } from "@notos/core/graph";
import { Store, storeKey } from "@notos/core/store";

/** What a builder's key hashed. */
export interface KeyRecord {
  builder: string;
  version: string;
  config: unknown;
  inputs: Record<string, string>;
  packages: Record<string, string[]>;
  fingerprint?: Record<string, string>;
  sourceDateEpoch?: number;
  /** Present in records: the key those inputs gave. */
  key?: string;
}

function whyDir(system: LoadedSystem): string {
  return join(system.dir, ".notos", "why");
}

export async function recordRealisations(system: LoadedSystem, realisations: readonly Realisation[]): Promise<void> {
  for (const r of realisations) {
    const record: KeyRecord = { ...(r.keyInputs as KeyRecord), key: r.key };
    await writeFileAtomic(join(whyDir(system), `${r.builder}.json`), JSON.stringify(record, null, 1) + "\n");
  }
}

/** The record of the builder's last build; "damaged" when it is not one (a cut-off write, a hand edit). */
async function readRecord(system: LoadedSystem, builder: string): Promise<KeyRecord | "damaged" | undefined> {
  let text: string;
  try {
    text = await fs.readFile(join(whyDir(system), `${builder}.json`), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "damaged";
  }
  return isKeyRecord(value) ? (value as KeyRecord) : "damaged";
}

const isRecordOf = (value: unknown, item: (v: unknown) => boolean): boolean =>
  value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).every(item);

function isKeyRecord(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r["version"] === "string" &&
    isRecordOf(r["inputs"], (v) => typeof v === "string") &&
    isRecordOf(r["packages"], (v) => Array.isArray(v) && v.every((row) => typeof row === "string")) &&
    (r["fingerprint"] === undefined || isRecordOf(r["fingerprint"], (v) => typeof v === "string")) &&
    (r["sourceDateEpoch"] === undefined || typeof r["sourceDateEpoch"] === "number")
  );
}

export interface Explanation {
  builder: string;
  /** "cached": the store has the entry for the current inputs; "build": it would run; "unknown": an input must be built first. */
  status: "cached" | "build" | "unknown";
  /** Human-readable differences from the last recorded build. */
  changes: string[];
}

/** For each builder (in build order), whether it would run now and what changed since its last recorded build. */
export async function explain(system: LoadedSystem, packages: PackageSource, only?: readonly string[]): Promise<Explanation[]> {
  const graph = buildGraph(system.builders);
  const store = new Store(system.storeDir);
  const digests = new Map<string, string | undefined>();
  const out: Explanation[] = [];
  for (const b of graph.builders) {
    const inputs: Record<string, string> = {};
    const unknown: string[] = [];
    for (const input of Object.keys(b.inputs)) {
      const members = graph.inputBuilders(b, input);
      const single = isBuilder(b.inputs[input]);
      for (const m of members) {
        const name = single ? input : `${input}/${m.name}`;
        const digest = digests.get(m.name);
        if (digest === undefined) unknown.push(name);
        else inputs[name] = digest;
      }
    }
    const config = optionSlice(system.config, b.reads, b.name, system.schema);
    const now = (await builderKeyInputs(b, config, inputs, packages, sourceDateEpoch())) as KeyRecord;
    let status: Explanation["status"] = "unknown";
    if (unknown.length === 0) {
      const entry = await store.get(b.name, storeKey(now));
      status = entry ? "cached" : "build";
      digests.set(b.name, entry?.digest);
    } else {
      digests.set(b.name, undefined);
    }
    const last = await readRecord(system, b.name);
    const changes =
      last === "damaged"
        ? [`the record of the last build (.notos/why/${b.name}.json) is damaged; the next build writes it again`]
        : last
          ? differences(last, now, unknown)
          : ["never built here before"];
    if (!only || only.includes(b.name)) out.push({ builder: b.name, status, changes });
  }
  return out;
}

function differences(last: KeyRecord, now: KeyRecord, unknown: string[]): string[] {
  const changes: string[] = [];
  if (last.version !== now.version) changes.push(`builder version ${last.version} → ${now.version}`);
  if (last.sourceDateEpoch !== now.sourceDateEpoch) changes.push(`SOURCE_DATE_EPOCH ${last.sourceDateEpoch ?? 0} → ${now.sourceDateEpoch ?? 0}`);
  const before = flatten(last.config);
  const after = flatten(now.config);
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(path);
    const b = after.get(path);
    if (a !== b) changes.push(`option ${path}: ${a ?? "(unset)"} → ${b ?? "(unset)"}`);
  }
  for (const name of [...new Set([...Object.keys(last.inputs), ...Object.keys(now.inputs), ...unknown])].sort()) {
    if (unknown.includes(name)) changes.push(`input ${name}: will be rebuilt first`);
    else if (!(name in now.inputs)) changes.push(`input ${name}: removed`);
    else if (!(name in last.inputs)) changes.push(`input ${name}: added`);
    else if (last.inputs[name] !== now.inputs[name]) changes.push(`input ${name}: content changed (${last.inputs[name]!.slice(0, 12)} → ${now.inputs[name]!.slice(0, 12)})`);
  }
  for (const set of [...new Set([...Object.keys(last.packages), ...Object.keys(now.packages)])].sort()) {
    const versions = (rows: string[] | undefined) => new Map((rows ?? []).map((r) => r.split(" ")).map(([n, v]) => [n!, v!]));
    const a = versions(last.packages[set]);
    const b = versions(now.packages[set]);
    for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      if (a.get(name) !== b.get(name)) changes.push(`package ${name} (set ${set}): ${a.get(name) ?? "(absent)"} → ${b.get(name) ?? "(absent)"}`);
    }
  }
  const printed = { ...last.fingerprint, ...now.fingerprint };
  for (const name of Object.keys(printed).sort()) {
    if (last.fingerprint?.[name] !== now.fingerprint?.[name]) changes.push(`outside input ${name}: ${last.fingerprint?.[name] ?? "(none)"} → ${now.fingerprint?.[name] ?? "(none)"}`);
  }
  return changes;
}

/** `path → JSON value` for every leaf. */
function flatten(value: unknown, path = "", out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${/^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k)}` : k, out);
  } else {
    out.set(path, JSON.stringify(value));
  }
  return out;
}
