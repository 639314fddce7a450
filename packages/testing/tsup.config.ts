import { defineConfig, type Options } from "tsup";

// The main entry, the Vitest integration (a subpath, so the main entry never
// loads vitest), and the command that bin/notos-test.js starts.
const entry = {
  index: "src/index.ts",
  vitest: "src/public/vitest.ts",
};

export default defineConfig({
  entry: { ...entry, cli: "src/cli.ts" },
  format: ["esm"],
  dts: { entry },
  clean: true,
  sourcemap: true,
  target: "node20",
  // The test runner's own vitest, never a copy: it is not a dependency, the user's suite brings it.
  external: ["vitest"],
}) as Options;
