import { packageTestConfig } from "../../vitest.shared.ts";

// JUnit next to the JSON report, for CI; one test file boots one machine set.
export default packageTestConfig({
  testTimeout: 120_000,
  hookTimeout: 1_200_000,
  reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }], ["junit", { outputFile: "test-results/junit.xml" }]],
});
