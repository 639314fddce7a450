// Writing the site: the pages (pages.ts) and the SBOM files they link to,
// into one directory that replaces the last one whole.
import { copyFile } from "node:fs/promises";
import { promises as fs } from "node:fs";
import { join, resolve } from "node:path";
import { replaceDirectory } from "@notos/core/fs";
import type { LoadedSystem } from "@notos/core";
import { readSiteData } from "./data.js";
import { sitePages } from "./pages.js";

export interface SiteOptions {
  /** The dist/ directory a build wrote. */
  dist: string;
  /** The system it was built from: its configuration and composed option schema. */
  system: Pick<LoadedSystem, "config" | "schema">;
  /** The directory to write (replaced whole). */
  out: string;
  /** The bench's results file (bench/results/latest.json); shown when it exists. */
  benchResults?: string;
}

/** Make the site; resolves with the files written, by name. */
export async function buildSite(options: SiteOptions): Promise<string[]> {
  const data = await readSiteData(options);
  const pages = sitePages(data);
  const copied = data.dist.filter((f) => f.name === "sbom.cdx.json" || f.name === "sbom.spdx.json").map((f) => f.name);
  await replaceDirectory(resolve(options.out), async (tmp) => {
    for (const [name, html] of pages) await fs.writeFile(join(tmp, name), html);
    for (const name of copied) await copyFile(join(options.dist, name), join(tmp, name));
    await fs.chmod(tmp, 0o755);
  });
  return [...pages.keys(), ...copied].sort();
}
