import { defineConfig, type Options } from "tsup";

// The main entry and the plumbing subpaths (see package.json "exports").
const entry = {
  index: "src/index.ts",
  store: "src/public/store.ts",
  tree: "src/public/tree.ts",
  progress: "src/public/progress.ts",
  fs: "src/public/fs.ts",
  graph: "src/public/graph.ts",
  text: "src/public/text.ts",
  host: "src/public/host.ts",
};

export default defineConfig({ entry, format: ["esm"], dts: { entry }, clean: true, sourcemap: true, target: "node20" }) as Options;
