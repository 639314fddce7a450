// The one build shape of every @notos package: ESM for Node 20, with types,
// from src/index.ts and the plumbing subpaths (src/public/<name>.ts, each a
// "./<name>" export of package.json); `command` adds src/cli.ts, which the
// package's committed bin/ launcher starts and which has no types of its own.
import { defineConfig, type Options } from "tsup";

export interface PackageBuildOptions {
  /** Subpath exports: `["cpio", "tree"]` builds src/public/cpio.ts and src/public/tree.ts. */
  subpaths?: readonly string[];
  /** Build src/cli.ts as well (packages with a bin). */
  command?: boolean;
  /** Modules left to the user's own install, never bundled. */
  external?: string[];
}

export function packageBuild({ subpaths = [], command = false, external }: PackageBuildOptions = {}): Options {
  const entry: Record<string, string> = { index: "src/index.ts" };
  for (const name of subpaths) entry[name] = `src/public/${name}.ts`;
  return defineConfig({
    entry: command ? { ...entry, cli: "src/cli.ts" } : entry,
    format: ["esm"],
    dts: { entry },
    clean: true,
    sourcemap: true,
    target: "node20",
    ...(external ? { external } : {}),
  }) as Options;
}
