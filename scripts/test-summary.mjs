#!/usr/bin/env node
// Sums the per-package Vitest JSON reports (restored by turbo on cache hits
// too) into one closing line, so a reader sees the whole suite's count.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// Every workspace of the root package.json ("packages/*", "tests", "bench").
const workspaces = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
const dirs = workspaces.flatMap((pattern) =>
  pattern.endsWith("/*")
    ? readdirSync(join(root, pattern.slice(0, -2))).map((d) => join(root, pattern.slice(0, -2), d))
    : [join(root, pattern)],
);
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const dir of dirs) {
  const report = join(dir, "test-results", "vitest.json");
  if (!existsSync(report)) continue;
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  rows.push(`  ${dir.slice(root.length)}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
console.log(rows.join("\n"));
if (passed + failed === 0) {
  console.error("no test results found");
  process.exit(1);
}
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
