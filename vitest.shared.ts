// Shared Vitest settings: every package's tests import the other @notos
// packages from source, so a test run never depends on a stale build.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { defineConfig, type ViteUserConfig } from "vitest/config";

const packagesDir = fileURLToPath(new URL("./packages", import.meta.url));

const sourceAliases = Object.fromEntries(
  readdirSync(packagesDir).map((dir) => [`@notos/${dir}`, join(packagesDir, dir, "src", "index.ts")]),
);

export function packageTestConfig(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { alias: sourceAliases },
    test: {
      include: ["test/**/*.test.ts"],
      testTimeout: 30_000,
      reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
      ...overrides,
    },
  });
}
