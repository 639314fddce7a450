// `notos diff A B`: two builds, given as their dist/ directories, compared
// by @notos/sbom/diff — packages added, removed, upgraded; files changed;
// bytes per package in the root and per file of dist/. Text by default,
// the diff as JSON with --json. @notos/sbom is an optional peer, loaded
// when the command runs: the CLI itself stays core and debian alone.
import { resolve } from "node:path";
import { NotosError } from "@notos/core";
import type { CliIO } from "./commands.js";
import { optionalPackage } from "./optional.js";

interface SbomDiff {
  readBuild(dir: string): Promise<unknown>;
  diffBuilds(a: unknown, b: unknown): unknown;
  formatDiff(diff: unknown, labels: { a: string; b: string }): string;
}

export async function diffCommand(positionals: readonly string[], options: { json: boolean }, io: CliIO): Promise<number> {
  if (positionals.length !== 2) {
    throw new NotosError("`notos diff` compares two builds: `notos diff A B`, each a dist/ directory.", {
      code: "USAGE",
      hint: "build each into a directory of its own (`notos dist --out A`), then `notos diff A B`.",
    });
  }
  const { readBuild, diffBuilds, formatDiff } = await optionalPackage<SbomDiff>("@notos/sbom/diff", "notos diff");
  const [a, b] = positionals.map((p) => resolve(io.cwd ?? process.cwd(), p)) as [string, string];
  const diff = diffBuilds(await readBuild(a), await readBuild(b));
  io.stdout(options.json ? JSON.stringify(diff, null, 2) + "\n" : formatDiff(diff, { a: positionals[0]!, b: positionals[1]! }));
  return 0;
}
