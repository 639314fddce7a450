import { defineConfig, type Options } from "tsup";

// The main entry, the plumbing subpaths (see package.json "exports"), and the
// command that bin/notos.js starts, which has no types of its own.
const entry = {
  index: "src/index.ts",
  lock: "src/public/lock.ts",
  turbo: "src/public/turbo.ts",
};

export default defineConfig({
  entry: { ...entry, cli: "src/cli.ts" },
  format: ["esm"],
  dts: { entry },
  clean: true,
  sourcemap: true,
  target: "node20",
}) as Options;
