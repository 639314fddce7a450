import { defineConfig, type Options } from "tsup";

// The main entry (scaffold() and createProject()) and the command that
// bin/create-notos.js starts, which has no types of its own.
const entry = { index: "src/index.ts" };

export default defineConfig({
  entry: { ...entry, cli: "src/cli.ts" },
  format: ["esm"],
  dts: { entry },
  clean: true,
  sourcemap: true,
  target: "node20",
}) as Options;
