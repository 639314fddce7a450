import { defineConfig, type Options } from "tsup";

// The main entry and the subpaths (see package.json "exports").
const entry = {
  index: "src/index.ts",
  gpt: "src/public/gpt.ts",
  pe: "src/public/pe.ts",
};

export default defineConfig({ entry, format: ["esm"], dts: { entry }, clean: true, sourcemap: true, target: "node20" }) as Options;
