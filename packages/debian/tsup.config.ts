import { defineConfig, type Options } from "tsup";

// The main entry and the subpaths (see package.json "exports").
const entry = {
  index: "src/index.ts",
  deb: "src/public/deb.ts",
  control: "src/public/control.ts",
  archive: "src/public/archive.ts",
  lock: "src/public/lock.ts",
};

export default defineConfig({ entry, format: ["esm"], dts: { entry }, clean: true, sourcemap: true, target: "node20" }) as Options;
