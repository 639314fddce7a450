// What the site shows, read from a build and nothing else: every file of
// dist/ with its bytes and sha256, the SBOM the build wrote, the initrd's
// members read back from the archive, the command line and runvm as text,
// the system's composed option schema, and the bench's last results file
// when there is one. Reading is here; turning it into pages is pages.ts.
import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import { join } from "node:path";
import { NotosError, listOptions, type LoadedSystem, type OptionDoc } from "@notos/core";
import type { ManifestEntry } from "@notos/core/tree";
import { initrdMembers } from "@notos/sbom/formats";

export interface DistFile {
  name: string;
  size: number;
  sha256: string;
}

export interface OptionRow extends OptionDoc {
  /** The value this system has, for options at a fixed path. */
  value?: unknown;
}

export interface BenchRun {
  /** The results file, as the site was given it. */
  file: string;
  date: string;
  commit: string;
  runs: number;
  timeline: Array<{ name: string; host?: number; guest?: number }>;
}

export interface SiteData {
  system: { name: string; version: string };
  dist: DistFile[];
  commandLine?: string;
  runvm?: string;
  /** sbom.cdx.json, parsed. */
  bom?: any;
  initrd?: { members: ManifestEntry[] };
  options: OptionRow[];
  bench?: BenchRun;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function valueAt(config: unknown, path: string): unknown {
  if (path.includes("<name>") || path.includes(".*")) return undefined;
  let v: unknown = config;
  for (const s of path.split(".")) {
    if (v === null || typeof v !== "object" || !(s in (v as object))) return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

async function readBench(file: string): Promise<BenchRun | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
  const r = JSON.parse(text) as { date?: string; commit?: string; runs?: number; timeline?: BenchRun["timeline"] };
  if (!Array.isArray(r.timeline) || r.timeline.length === 0) return undefined;
  return { file, date: String(r.date ?? ""), commit: String(r.commit ?? ""), runs: Number(r.runs ?? 0), timeline: r.timeline };
}

/** Everything the site shows, from a dist/ directory, the system it was built from and a bench results file (if it exists). */
export async function readSiteData(options: { dist: string; system: Pick<LoadedSystem, "config" | "schema">; benchResults?: string }): Promise<SiteData> {
  let names: string[];
  try {
    names = (await fs.readdir(options.dist, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith(".")).map((e) => e.name).sort();
  } catch (error) {
    throw new NotosError(`There is no dist/ at ${options.dist} to make a site from.`, { code: "SITE_NO_DIST", hint: "build it first: `npm run dist` (or `notos dist --out DIR`, then `notos site DIR`).", cause: error });
  }
  if (names.length === 0) throw new NotosError(`${options.dist} is empty.`, { code: "SITE_NO_DIST", hint: "build it first: `npm run dist`." });
  const file = (name: string) => join(options.dist, name);
  const dist = await Promise.all(names.map(async (name) => ({ name, size: (await fs.stat(file(name))).size, sha256: await sha256(file(name)) })));
  const text = async (name: string) => (names.includes(name) ? await fs.readFile(file(name), "utf8") : undefined);
  const config = options.system.config as { system?: { name?: string; version?: string } };
  const bomText = await text("sbom.cdx.json");
  const commandLine = await text("command-line");
  const runvm = await text("runvm");
  const bench = options.benchResults ? await readBench(options.benchResults) : undefined;
  return {
    system: { name: config.system?.name ?? "notos", version: config.system?.version ?? "" },
    dist,
    ...(commandLine !== undefined ? { commandLine } : {}),
    ...(runvm !== undefined ? { runvm } : {}),
    ...(bomText !== undefined ? { bom: JSON.parse(bomText) } : {}),
    ...(names.includes("initrd") ? { initrd: { members: await initrdMembers(file("initrd")) } } : {}),
    options: listOptions(options.system.schema).map((o) => {
      const value = valueAt(options.system.config, o.path);
      return value !== undefined ? { ...o, value } : o;
    }),
    ...(bench ? { bench } : {}),
  };
}
