// Each package's copyright file, recorded by a builder that unpacks the
// package anyway (the root, the kernel) and kept in its store entry, so a
// builder that describes packages (the SBOM) takes it from there instead of
// decompressing the .deb a second time for one small file: the kernel's
// copyright is the last file of its package, after ~100 MB of modules. A
// package read to its end is recorded with its text, or with null when it
// has none as a regular file (a metapackage's doc directory is often a link
// to another package's); one not recorded is read by the describer itself.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { LockedDeb } from "@notos/core";
import type { DebEntry } from "./deb.js";

/** The file a builder writes its recorded copyrights to, in its store entry. */
export const COPYRIGHTS_FILE = "copyrights.json";

/** Where a package keeps its copyright, by Debian policy (12.5). */
export function copyrightPath(packageName: string): string {
  return `/usr/share/doc/${packageName}/copyright`;
}

/** Recorded copyrights by the sha256 of the .deb: the text, or null when the package has none of its own. */
export type RecordedCopyrights = ReadonlyMap<string, string | null>;

/** Records the copyright of each package whose entries pass through `watch`. */
export class CopyrightRecorder {
  private readonly found = new Map<string, { name: string; copyright: string | null }>();

  /** The same entries, in the same order; the package is recorded once they have all passed. */
  async *watch(deb: LockedDeb, entries: AsyncIterable<DebEntry>): AsyncGenerator<DebEntry> {
    const wanted = copyrightPath(deb.name);
    let copyright: string | null = null;
    for await (const entry of entries) {
      if (entry.path === wanted && entry.type === "file") copyright = new TextDecoder().decode(entry.content);
      yield entry;
    }
    this.found.set(deb.sha256, { name: deb.name, copyright });
  }

  /** Writes COPYRIGHTS_FILE into `dir`, in sha256 order (the same packages give the same bytes); returns its path. */
  async write(dir: string): Promise<string> {
    const file = join(dir, COPYRIGHTS_FILE);
    const sorted = Object.fromEntries([...this.found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    await fs.writeFile(file, JSON.stringify(sorted) + "\n");
    return file;
  }
}

/** The copyrights of every given COPYRIGHTS_FILE together. */
export async function readCopyrights(files: readonly string[]): Promise<RecordedCopyrights> {
  const all = new Map<string, string | null>();
  for (const file of files) {
    const recorded = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, { copyright: string | null }>;
    for (const [sha256, { copyright }] of Object.entries(recorded)) all.set(sha256, copyright);
  }
  return all;
}
