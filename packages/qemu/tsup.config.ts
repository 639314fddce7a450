import { defineConfig, type Options } from "tsup";

// No command of its own: building and assembling a system is the notos CLI's job.
// The main entry and the plumbing subpaths (see package.json "exports").
const entry = {
  index: "src/index.ts",
  qmp: "src/public/qmp.ts",
  console: "src/public/console.ts",
  png: "src/public/png.ts",
  accel: "src/public/accel.ts",
};

export default defineConfig({ entry, format: ["esm"], dts: { entry }, clean: true, sourcemap: true, target: "node20" }) as Options;
