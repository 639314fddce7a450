// The README's example, run as written from a temporary directory: it makes
// a pair there and finds it again.
import { readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { exampleUnder, runExampleIn } from "../../../test-support/readme.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it("README: keygen and findSigningKey run as written", async () => {
  const dir = await mkdtemp(join(tmpdir(), "notos-keys-readme-"));
  dirs.push(dir);
  const out = await runExampleIn(dir, exampleUnder(readme, "## Use it"));
  expect(out.same).toBe(true);
  expect(statSync(join(dir, "keys", "notos.key")).mode & 0o777).toBe(0o600);
});
