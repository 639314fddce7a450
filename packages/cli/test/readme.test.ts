// The README's "From code" block, run as written in a project directory of
// its own: notos.config.ts there is the small system of the commands test
// (no Debian packages, seconds to build), and the example builds it and
// writes dist/ beside it. The directory is outside the repository, so the
// example's dist/ lands in it, as it would in a user's project; its
// node_modules links this repository's, where @notos/* are installed.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it, vi } from "vitest";
import { exampleUnder, runExampleIn } from "../../../test-support/readme.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const readme = readFileSync(join(here, "../README.md"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "notos-cli-readme-"));
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

it("README: From code builds the system of notos.config.ts and writes its dist/", async () => {
  symlinkSync(join(here, "../../../node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, "notos.config.ts"),
    `import { defineSystem } from "@notos/core";
import { small } from ${JSON.stringify(join(here, "fixtures/small/builders.ts"))};
export default defineSystem({ imports: [small], greeting: { text: "from the README" } });
`,
  );
  vi.stubEnv("NOTOS_SYSTEM", "");
  vi.stubEnv("NOTOS_STORE", "");
  vi.stubEnv("SOURCE_DATE_EPOCH", "");
  await runExampleIn(dir, exampleUnder(readme, "## From code"));
  expect(readdirSync(join(dir, "dist")).sort()).toEqual(["layers.txt", "run"]);
  expect(readFileSync(join(dir, "dist", "layers.txt"), "utf8")).toMatch(/^greeting [0-9a-f]{64}\nhost [0-9a-f]{64}\n$/);
  // The store is the project's own, beside its configuration.
  expect(existsSync(join(dir, ".notos", "store"))).toBe(true);
});
