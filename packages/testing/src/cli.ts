// `notos-test FILE…` runs the tests a file defines (its exports made by
// defineTest), outside Vitest; with --interactive it starts the first one's
// nodes and opens a REPL on them instead. Files are loaded with jiti, so a
// Vitest test file works as it is (describeTest registers nothing here).
import { resolve } from "node:path";
import { createJiti } from "jiti";
import { formatError } from "@notos/core";
import type { NotosTest } from "./define.js";
import { interact } from "./interactive.js";

const isTest = (v: unknown): v is NotosTest =>
  typeof v === "object" && v !== null && "spec" in v && typeof (v as NotosTest).start === "function" && typeof (v as NotosTest).run === "function";

async function main(argv: string[]): Promise<number> {
  const interactive = argv.includes("--interactive") || argv.includes("-i");
  const files = argv.filter((a) => !a.startsWith("-"));
  if (files.length === 0 || argv.includes("--help")) {
    console.log("usage: notos-test FILE.ts… [--interactive]\n  runs the tests the files export (defineTest), or starts the first one's nodes with a REPL");
    return files.length === 0 && !argv.includes("--help") ? 2 : 0;
  }
  const jiti = createJiti(import.meta.url, { moduleCache: false });
  const tests: NotosTest[] = [];
  for (const file of files) {
    const mod = (await jiti.import(resolve(file))) as Record<string, unknown>;
    tests.push(...Object.values(mod).filter(isTest));
  }
  if (tests.length === 0) {
    console.error(`notos-test: ${files.join(", ")} export no test (defineTest(…) as an export)`);
    return 2;
  }
  if (interactive) {
    await interact(tests[0]!);
    return 0;
  }
  let passed = 0;
  let failed = 0;
  for (const test of tests) {
    const t0 = Date.now();
    try {
      await test.run({ log: (line) => (line.includes("# ") ? undefined : console.log(line)) });
      passed++;
      console.log(`✓ ${test.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.error(`✗ ${test.name}\n${formatError(e)}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
