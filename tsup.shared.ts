// The one build shape of every @notos package: ESM for Node 20, types from
// src/index.ts; `withCli` adds the package's command (src/cli.ts).
import { defineConfig, type Options } from "tsup";

export function packageBuild({ withCli = true }: { withCli?: boolean } = {}): Options {
  return defineConfig({
    entry: withCli ? ["src/index.ts", "src/cli.ts"] : ["src/index.ts"],
    format: ["esm"],
    dts: { entry: "src/index.ts" },
    clean: true,
    sourcemap: true,
    target: "node20",
  }) as Options;
}
