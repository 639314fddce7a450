// One binary package as the archive index describes it, and the in-memory
// index the resolver works on.
import { field, parseDeb822 } from "./deb822.js";
import { DebianError, REFRESH_HINT } from "./errors.js";
import { parseRelations, type Relation } from "./relations.js";
import { compareVersions } from "./version.js";

export interface PackageRecord {
  package: string;
  version: string;
  architecture: string;
  /** Path of the .deb relative to the archive root ("pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb"). */
  filename: string;
  size: number;
  sha256: string;
  /** The suite whose index lists it. */
  suite: string;
  depends?: string;
  preDepends?: string;
  recommends?: string;
  provides?: string;
  essential?: boolean;
  priority?: string;
}

/** Parse a Packages file into records (the fields the resolver and the downloader need). */
export function parsePackages(text: string, suite: string): PackageRecord[] {
  const records: PackageRecord[] = [];
  for (const p of parseDeb822(text)) {
    const name = field(p, "Package");
    const version = field(p, "Version");
    const filename = field(p, "Filename");
    const sha256 = field(p, "SHA256");
    if (!name || !version || !filename || !sha256) continue;
    const size = field(p, "Size") ?? "0";
    if (!/^\d{1,15}$/.test(size) || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new DebianError(`Packages index: ${name} ${version} has ${/^\d{1,15}$/.test(size) ? `SHA256 ${JSON.stringify(sha256)}, not 64 hex digits` : `Size ${JSON.stringify(size)}, not a number of bytes`}`, {
        code: "DEBIAN_INDEX",
        hint: "the index is damaged; " + REFRESH_HINT,
      });
    }
    const record: PackageRecord = {
      package: name,
      version,
      architecture: field(p, "Architecture") ?? "all",
      filename,
      size: Number(size),
      sha256,
      suite,
    };
    const optional: [keyof PackageRecord, string][] = [
      ["depends", "Depends"],
      ["preDepends", "Pre-Depends"],
      ["recommends", "Recommends"],
      ["provides", "Provides"],
      ["priority", "Priority"],
    ];
    for (const [key, name] of optional) {
      const value = field(p, name);
      if (value) (record as unknown as Record<string, string>)[key] = value.replace(/\n/g, " ");
    }
    if ((field(p, "Essential") ?? "").toLowerCase() === "yes") record.essential = true;
    records.push(record);
  }
  return records;
}

export interface Provider {
  record: PackageRecord;
  /** The version the provide carries ("Provides: foo (= 1.2)"), if any. */
  version?: string;
}

/**
 * The packages of several suites for one architecture: every version of
 * every name (highest first, as apt ranks them), and who provides what.
 */
export class PackageIndex {
  readonly byName = new Map<string, PackageRecord[]>();
  readonly providers = new Map<string, Provider[]>();

  constructor(
    records: Iterable<PackageRecord>,
    readonly architecture: string,
  ) {
    for (const record of records) {
      if (record.architecture !== architecture && record.architecture !== "all") continue;
      const list = this.byName.get(record.package);
      // The same version in several suites is one package: the first suite listed keeps it.
      if (list?.some((r) => r.version === record.version)) continue;
      if (list) list.push(record);
      else this.byName.set(record.package, [record]);
    }
    for (const list of this.byName.values()) {
      list.sort((a, b) => compareVersions(b.version, a.version));
      for (const record of list) {
        for (const group of parseRelations(record.provides)) {
          for (const provided of group as Relation[]) {
            const entry: Provider = { record };
            if (provided.version?.op === "=") entry.version = provided.version.version;
            const providers = this.providers.get(provided.name);
            if (providers) providers.push(entry);
            else this.providers.set(provided.name, [entry]);
          }
        }
      }
    }
  }

  /** Every version of a real package, highest first. */
  versions(name: string): PackageRecord[] {
    return this.byName.get(name) ?? [];
  }

  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  get size(): number {
    return this.byName.size;
  }
}
