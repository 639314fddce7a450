// A package README's example, run as written: the `ts` block under a
// heading, pasted into a file of a directory and imported from there, as a
// reader would run it. The tests then look at what it wrote.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";

/** The first `ts` block under `heading` in `readme`. */
export function exampleUnder(readme: string, heading: string): string {
  const at = readme.indexOf(heading);
  expect(at, `README.md has no "${heading}" section`).toBeGreaterThanOrEqual(0);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block, `no ts code block under "${heading}"`).not.toBeNull();
  return block![1]!;
}

/** Write `code` to `dir`/example.ts and run it with `dir` as the working directory; what it exports. */
export async function runExampleIn(dir: string, code: string): Promise<Record<string, unknown>> {
  await writeFile(join(dir, "example.ts"), code);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return (await import(/* @vite-ignore */ join(dir, "example.ts"))) as Record<string, unknown>;
  } finally {
    process.chdir(cwd);
  }
}
