// `notos diff A B`: two builds compared from what they wrote into dist/ —
// their CycloneDX SBOMs and the artifacts' sizes: Debian packages added,
// removed, upgraded (or downgraded); files of the root and the initrd
// added, removed or changed; bytes per package in the root and per file of
// dist/. Reading the directories is at the edge (`readBuild`); comparing two
// records is pure (`diffBuilds`), and so is the text (`formatDiff`).
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { NotosError } from "@notos/core";
import { compareVersions } from "@notos/debian/control";
import { CYCLONEDX_FILE } from "./build.js";

export interface RecordedPackage {
  name: string;
  version: string;
  /** The dist/ artifact it went into. */
  artifact: string;
  /** Bytes of its files in the root (0 outside the root). */
  rootBytes: number;
}

export interface RecordedFile {
  /** "root.squashfs:/usr/bin/bash", "initrd:/init". */
  key: string;
  sha256: string;
  size: number;
  /** The package or layer it came from, when the SBOM says. */
  owner?: string;
}

export interface BuildRecord {
  packages: RecordedPackage[];
  files: RecordedFile[];
  /** Every file of the dist/ directory with its bytes. */
  artifacts: Array<{ name: string; size: number }>;
}

type Json = any;
const prop = (c: Json, name: string): string | undefined => c.properties?.find((p: Json) => p.name === `notos:${name}`)?.value;

/** A build's record from its CycloneDX SBOM (as the sbom builder writes it) and the sizes of its dist/ files. */
export function buildRecord(bom: Json, artifacts: BuildRecord["artifacts"]): BuildRecord {
  const packages: RecordedPackage[] = [];
  const files: RecordedFile[] = [];
  const addFiles = (artifact: string, owner: string | undefined, components: Json[] | undefined) => {
    for (const f of components ?? []) {
      if (f.type !== "file") continue;
      files.push({ key: `${artifact}:${f.name}`, sha256: f.hashes?.[0]?.content ?? "", size: Number(prop(f, "bytes") ?? 0), ...(owner ? { owner } : {}) });
    }
  };
  for (const c of bom.components ?? []) {
    const artifact = prop(c, "artifact");
    if (typeof c.purl === "string" && c.purl.startsWith("pkg:deb/")) {
      packages.push({ name: c.name, version: c.version, artifact: artifact ?? "", rootBytes: Number(prop(c, "root-bytes") ?? 0) });
      if (artifact === "root.squashfs") addFiles("root.squashfs", c.name, c.components);
    } else if (c.type === "file" && artifact !== undefined) {
      if (artifact === "initrd") addFiles("initrd", undefined, c.components);
      for (const layer of c.components ?? []) if (layer.type === "data") addFiles(artifact, prop(layer, "layer"), layer.components);
    }
  }
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return { packages: packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.artifact < b.artifact ? -1 : 1)), files: files.sort(byKey), artifacts: [...artifacts].sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

/** Read a dist/ directory: its SBOM and the size of each file. */
export async function readBuild(dir: string): Promise<BuildRecord> {
  let text: string;
  try {
    text = await fs.readFile(join(dir, CYCLONEDX_FILE), "utf8");
  } catch (error) {
    throw new NotosError(`${dir} has no ${CYCLONEDX_FILE}.`, {
      code: "DIFF_NO_SBOM",
      hint: "compare dist/ directories of systems that import sbomModule (@notos/sbom), built with `notos dist --out DIR`.",
      cause: error,
    });
  }
  const names = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith(".")).map((e) => e.name);
  const artifacts = await Promise.all(names.map(async (name) => ({ name, size: (await fs.stat(join(dir, name))).size })));
  return buildRecord(JSON.parse(text), artifacts);
}

export interface SizeChange {
  name: string;
  from: number;
  to: number;
}

export interface BuildDiff {
  packages: {
    added: RecordedPackage[];
    removed: RecordedPackage[];
    /** Same name and artifact, another version; `direction` by Debian's version order. */
    changed: Array<{ name: string; artifact: string; from: string; to: string; direction: "upgraded" | "downgraded" }>;
  };
  files: { added: RecordedFile[]; removed: RecordedFile[]; changed: Array<{ key: string; from: RecordedFile; to: RecordedFile }> };
  sizes: {
    /** Bytes in the root per package (and per artifact it went into), where they differ. */
    packages: SizeChange[];
    /** Every file of either dist/, with its bytes on each side (0: absent). */
    artifacts: SizeChange[];
  };
}

/** What changed from build A to build B. */
export function diffBuilds(a: BuildRecord, b: BuildRecord): BuildDiff {
  const pkgKey = (p: RecordedPackage) => `${p.artifact} ${p.name}`;
  const pa = new Map(a.packages.map((p) => [pkgKey(p), p]));
  const pb = new Map(b.packages.map((p) => [pkgKey(p), p]));
  const changed: BuildDiff["packages"]["changed"] = [];
  for (const [k, p] of pb) {
    const old = pa.get(k);
    if (old && old.version !== p.version) changed.push({ name: p.name, artifact: p.artifact, from: old.version, to: p.version, direction: compareVersions(p.version, old.version) > 0 ? "upgraded" : "downgraded" });
  }
  const fa = new Map(a.files.map((f) => [f.key, f]));
  const fb = new Map(b.files.map((f) => [f.key, f]));
  const sizeChanges = (left: Map<string, number>, right: Map<string, number>, all: boolean): SizeChange[] =>
    [...new Set([...left.keys(), ...right.keys()])]
      .map((name) => ({ name, from: left.get(name) ?? 0, to: right.get(name) ?? 0 }))
      .filter((c) => all || c.from !== c.to)
      .sort((x, y) => Math.abs(y.to - y.from) - Math.abs(x.to - x.from) || (x.name < y.name ? -1 : 1));
  const rootBytes = (r: BuildRecord) => new Map(r.packages.filter((p) => p.artifact === "root.squashfs").map((p) => [p.name, p.rootBytes]));
  return {
    packages: {
      added: b.packages.filter((p) => !pa.has(pkgKey(p))),
      removed: a.packages.filter((p) => !pb.has(pkgKey(p))),
      changed,
    },
    files: {
      added: b.files.filter((f) => !fa.has(f.key)),
      removed: a.files.filter((f) => !fb.has(f.key)),
      changed: b.files.flatMap((f) => {
        const old = fa.get(f.key);
        return old && old.sha256 !== f.sha256 ? [{ key: f.key, from: old, to: f }] : [];
      }),
    },
    sizes: {
      packages: sizeChanges(rootBytes(a), rootBytes(b), false),
      artifacts: sizeChanges(new Map(a.artifacts.map((x) => [x.name, x.size])), new Map(b.artifacts.map((x) => [x.name, x.size])), true).sort((x, y) => (x.name < y.name ? -1 : 1)),
    },
  };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The diff as text, one change a line, largest size changes first. */
export function formatDiff(d: BuildDiff, labels: { a: string; b: string } = { a: "A", b: "B" }): string {
  const lines = [`notos diff ${labels.a} → ${labels.b}`, ""];
  const { added, removed, changed } = d.packages;
  lines.push(`packages: ${added.length} added, ${removed.length} removed, ${changed.filter((c) => c.direction === "upgraded").length} upgraded, ${changed.filter((c) => c.direction === "downgraded").length} downgraded`);
  for (const p of added) lines.push(`  + ${p.name} ${p.version} (${p.artifact})`);
  for (const p of removed) lines.push(`  - ${p.name} ${p.version} (${p.artifact})`);
  for (const c of changed) lines.push(`  ~ ${c.name} ${c.from} → ${c.to} (${c.direction}, ${c.artifact})`);
  lines.push("", `files: ${d.files.added.length} added, ${d.files.removed.length} removed, ${d.files.changed.length} changed`);
  for (const f of d.files.added) lines.push(`  + ${f.key} (${f.size} bytes${f.owner ? `, ${f.owner}` : ""})`);
  for (const f of d.files.removed) lines.push(`  - ${f.key} (${f.size} bytes${f.owner ? `, ${f.owner}` : ""})`);
  for (const c of d.files.changed) lines.push(`  ~ ${c.key} (${c.from.size} → ${c.to.size} bytes${c.to.owner ? `, ${c.to.owner}` : ""})`);
  lines.push("", "bytes in the root per package (changed only):");
  if (d.sizes.packages.length === 0) lines.push("  none changed");
  for (const s of d.sizes.packages) lines.push(`  ${s.name}: ${s.from} → ${s.to} (${signed(s.to - s.from)})`);
  lines.push("", "bytes per file of dist/:");
  for (const s of d.sizes.artifacts) lines.push(`  ${s.name}: ${s.from} → ${s.to} (${s.from === s.to ? "same" : signed(s.to - s.from)})`);
  return lines.join("\n") + "\n";
}
