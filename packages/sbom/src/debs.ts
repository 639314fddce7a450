// What the SBOM says of each Debian package, read from the .debs themselves:
// the control fields (source package and version, maintainer, homepage) and
// the licenses of /usr/share/doc/<pkg>/copyright. Debian writes one
// copyright file per source package, so one .deb per source is asked (the
// smallest that carries the file), not every .deb; and a package a builder
// recorded when it unpacked it (the root's, the kernel's) is not read again:
// the kernel's copyright is after 100 MB of modules in its package.
import { promises as fs } from "node:fs";
import type { FetchedDeb } from "@notos/core";
import { copyrightPath, readDebControl, readDebData, type RecordedCopyrights } from "@notos/debian/deb";
import { packageLicense, type PackageLicense } from "./license.js";

/** One Debian package of a build, as the SBOM and the site describe it. */
export interface DebInfo {
  /** The package set it was locked in ("rootfs", "kernel", "initrd"). */
  set: string;
  /** The artifact of dist/ it went into ("root.squashfs", "kernel", "initrd"). */
  artifact: string;
  name: string;
  version: string;
  architecture: string;
  /** sha256 of the .deb, as locked and verified. */
  sha256: string;
  /** Bytes of the .deb. */
  size: number;
  source: string;
  sourceVersion: string;
  maintainer?: string;
  homepage?: string;
  /** The first line of Description. */
  summary?: string;
  /** The package of the same source whose copyright file gave the licenses, when one did. */
  copyrightFrom?: string;
  license: PackageLicense;
}

/** Control fields, as the .deb has them. */
export type ControlFields = Record<string, string>;

/** "busybox (1:1.35.0-4)" → { source, version }; an empty Source is the package itself. */
export function sourceOf(fields: ControlFields): { source: string; sourceVersion: string } {
  const name = fields["Package"] ?? "";
  const version = fields["Version"] ?? "";
  const raw = fields["Source"]?.trim();
  if (!raw) return { source: name, sourceVersion: version };
  const m = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(raw);
  return { source: m?.[1] ?? raw, sourceVersion: m?.[2]?.trim() ?? version };
}

/** A few .debs at a time: each read starts a decompressor, and a hundred at once only compete for two cores. */
async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>, size = 8): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

async function copyrightText(deb: FetchedDeb, recorded: RecordedCopyrights): Promise<string | undefined> {
  if (recorded.has(deb.sha256)) return recorded.get(deb.sha256) ?? undefined;
  const wanted = copyrightPath(deb.name);
  // Only the one file is kept: the kernel's package would otherwise buffer ~100 MB of modules on the way to it.
  for await (const entry of readDebData(deb.file, { only: (path) => path === wanted })) {
    if (entry.type === "file") return new TextDecoder().decode(entry.content);
  }
  return undefined;
}

/**
 * Every package of the given sets with its control fields and licenses.
 * Packages in several sets are listed once per set; the copyright of a
 * source is read once, from `recorded` when a builder recorded it.
 */
export async function readDebInfo(sets: ReadonlyArray<{ set: string; artifact: string; debs: readonly FetchedDeb[] }>, recorded: RecordedCopyrights = new Map()): Promise<DebInfo[]> {
  const all = sets.flatMap(({ set, artifact, debs }) => debs.map((deb) => ({ set, artifact, deb })));
  const unique = [...new Map(all.map((x) => [x.deb.sha256, x.deb])).values()];
  const controls = new Map<string, { fields: ControlFields; size: number }>();
  await inBatches(unique, async (deb) => {
    const [{ fields }, stat] = await Promise.all([readDebControl(deb.file), fs.stat(deb.file)]);
    controls.set(deb.sha256, { fields, size: stat.size });
  });
  // One copyright per source: try its packages smallest first until one carries the file.
  const bySource = new Map<string, FetchedDeb[]>();
  for (const deb of unique) {
    const { source, sourceVersion } = sourceOf(controls.get(deb.sha256)!.fields);
    const key = `${source} ${sourceVersion}`;
    bySource.set(key, [...(bySource.get(key) ?? []), deb]);
  }
  const licenses = new Map<string, { license: PackageLicense; from?: string }>();
  await inBatches([...bySource], async ([key, debs]) => {
    const ordered = [...debs].sort((a, b) => controls.get(a.sha256)!.size - controls.get(b.sha256)!.size || (a.name < b.name ? -1 : 1));
    for (const deb of ordered) {
      const text = await copyrightText(deb, recorded);
      if (text !== undefined) return void licenses.set(key, { license: packageLicense(text), from: deb.name });
    }
    licenses.set(key, { license: packageLicense(undefined) });
  });
  return all
    .map(({ set, artifact, deb }): DebInfo => {
      const { fields, size } = controls.get(deb.sha256)!;
      const { source, sourceVersion } = sourceOf(fields);
      const found = licenses.get(`${source} ${sourceVersion}`)!;
      return {
        set,
        artifact,
        name: deb.name,
        version: deb.version,
        architecture: fields["Architecture"] ?? "",
        sha256: deb.sha256,
        size,
        source,
        sourceVersion,
        ...(fields["Maintainer"] ? { maintainer: fields["Maintainer"] } : {}),
        ...(fields["Homepage"] ? { homepage: fields["Homepage"] } : {}),
        ...(fields["Description"] ? { summary: fields["Description"].split("\n")[0]!.trim() } : {}),
        ...(found.from !== undefined ? { copyrightFrom: found.from } : {}),
        license: found.license,
      };
    })
    .sort((a, b) => (a.set < b.set ? -1 : a.set > b.set ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
