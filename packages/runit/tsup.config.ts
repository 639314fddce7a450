import { defineConfig, type Options } from "tsup";

// The main entry and the scripts subpath (see package.json "exports").
const entry = {
  index: "src/index.ts",
  scripts: "src/public/scripts.ts",
};

export default defineConfig({ entry, format: ["esm"], dts: { entry }, clean: true, sourcemap: true, target: "node20" }) as Options;
