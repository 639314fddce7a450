// Shared Vitest settings: every package's tests import the other @notos
// packages from source, so a test run never depends on a stale build.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { defineConfig, type ViteUserConfig } from "vitest/config";

const packagesDir = fileURLToPath(new URL("./packages", import.meta.url));
const tmpdirSetup = fileURLToPath(new URL("./test-support/tmpdir.ts", import.meta.url));

// A subpath (`@notos/core/tree`) is src/public/<name>.ts of its package; the
// bare name is src/index.ts. Exact patterns, so one never swallows the other.
const sourceAliases = [
  { find: /^@notos\/([^/]+)\/([^/.]+)$/, replacement: join(packagesDir, "$1", "src", "public", "$2.ts") },
  ...readdirSync(packagesDir).map((dir) => ({ find: new RegExp(`^@notos/${dir}$`), replacement: join(packagesDir, dir, "src", "index.ts") })),
];

export function packageTestConfig(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { alias: sourceAliases },
    test: {
      include: ["test/**/*.test.ts"],
      testTimeout: 30_000,
      // A temporary directory per run, removed at its end (test-support/tmpdir.ts).
      globalSetup: [tmpdirSetup],
      reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
      ...overrides,
    },
  });
}
