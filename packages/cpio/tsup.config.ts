import { defineConfig, type Options } from "tsup";

// One entry: the writer, the reader, the directory walker and the compressors.
const entry = { index: "src/index.ts" };

export default defineConfig({ entry, format: ["esm"], dts: { entry }, clean: true, sourcemap: true, target: "node20" }) as Options;
