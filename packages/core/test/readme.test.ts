// The README's example, run as written: a user's first contact with the package.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
// Inside the package, so `@notos/core` and zod resolve as they do for a user.
const dir = mkdtempSync(join(pkg, "test", ".readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("runs the README example and prints what the README says", () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const file = join(dir, "example.mjs");
  writeFileSync(file, code!);
  expect(execFileSync(process.execPath, [file], { encoding: "utf8" })).toBe("hi false true\n");
  expect(readme).toContain("prints `hi false true`");
});
