import { defineConfig } from "vitest/config";

// The system build in the test takes minutes on a cold store; the JSON report
// joins the repository's test summary.
export default defineConfig({
  test: {
    testTimeout: 900_000,
    hookTimeout: 900_000,
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
