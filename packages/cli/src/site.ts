// `notos site [DIST] [--out DIR]`: the static site of a build (@notos/site)
// — DIST defaults to the system's dist/, DIR to site/ beside it; the boot
// timeline comes from the repository's bench/results/latest.json when a
// bench run left one. @notos/site is an optional peer, loaded when the
// command runs.
import { dirname, join, resolve } from "node:path";
import type { LoadedSystem } from "@notos/core";
import type { CliIO } from "./commands.js";
import { optionalPackage } from "./optional.js";
import { distDirectory } from "./system.js";

interface Site {
  buildSite(options: { dist: string; system: LoadedSystem; out: string; benchResults?: string }): Promise<string[]>;
}

export async function siteCommand(system: LoadedSystem, positionals: readonly string[], options: { out?: string }, io: CliIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const dist = positionals[0] !== undefined ? resolve(cwd, positionals[0]) : distDirectory(system);
  const root = dirname(distDirectory(system));
  const out = options.out !== undefined ? resolve(cwd, options.out) : join(root, "site");
  const { buildSite } = await optionalPackage<Site>("@notos/site", "notos site");
  const files = await buildSite({ dist, system, out, benchResults: join(root, "bench", "results", "latest.json") });
  io.stdout(`site: ${out} (${files.length} files; open index.html)\n`);
  return 0;
}
