// turbo's side of the one graph. turbo runs one `dist` task per repository
// (the root's `notos dist`, which realises every builder once, in process);
// what turbo must know is which packages' code that task runs — every
// package that defines a builder or module of a system — so it compiles
// them first. That list comes from the builders themselves (the file that
// defined each), and a test compares it with turbo.json, so the two cannot drift.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { LoadedSystem } from "@notos/core";
import { buildGraph } from "@notos/core/graph";

/** The package a file belongs to (the nearest package.json with a name): its name, and whether it has a build step. */
export function packageOf(file: string): { name: string; builds: boolean } | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name, scripts, workspaces } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; scripts?: Record<string, string>; workspaces?: unknown };
      // The workspace root's build script runs turbo itself: it is no task turbo orders.
      if (name) return { name, builds: typeof scripts?.build === "string" && workspaces === undefined };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** `<package>#build` for every package whose builders the systems use, plus this CLI's: what `//#dist` depends on. */
export async function turboDependencies(systems: readonly LoadedSystem[]): Promise<string[]> {
  const packages = new Set<string>(["@notos/cli"]);
  for (const system of systems) {
    const files = [...system.moduleFiles, ...buildGraph(system.builders).builders.flatMap((b) => (b.file ? [b.file] : []))];
    // A package without a build step (a system's own, the repository root) has nothing for turbo to compile.
    for (const file of files) {
      const pkg = packageOf(file);
      if (pkg?.builds) packages.add(pkg.name);
    }
  }
  return [...packages].sort().map((p) => `${p}#build`);
}
