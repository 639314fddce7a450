import { defineConfig, type Options } from "tsup";

// The main entry and the subpaths (see package.json "exports").
const entry = {
  index: "src/index.ts",
  cpio: "src/public/cpio.ts",
  tree: "src/public/tree.ts",
  stage1: "src/public/stage1.ts",
  busybox: "src/public/busybox.ts",
};

export default defineConfig({ entry, format: ["esm"], dts: { entry }, clean: true, sourcemap: true, target: "node20" }) as Options;
