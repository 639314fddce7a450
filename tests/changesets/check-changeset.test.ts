// scripts/check-changeset.mjs on a small repository of its own: a change to
// a published package fails without a changeset and passes with one, while
// tests, private packages and releases need none.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../scripts/check-changeset.mjs", import.meta.url));
let repo = "";
let base = "";

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
};
const git = (...args: string[]) => {
  const r = spawnSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
};
const check = () => spawnSync(process.execPath, [script, "--root", repo, "--base", base], { encoding: "utf8" });
const manifest = (name: string, version: string, extra = {}) => JSON.stringify({ name, version, ...extra });

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "notos-changeset-"));
  git("init", "-q", "-b", "main");
  write("packages/a/package.json", manifest("@notos/a", "0.1.0"));
  write("packages/a/src/index.ts", "export const a = 1;\n");
  write("packages/b/package.json", manifest("@notos/b", "0.1.0"));
  write("packages/p/package.json", manifest("p", "0.0.0", { private: true }));
  write(".changeset/README.md", "# Changesets\n");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  base = git("rev-parse", "HEAD");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

it("passes with no change, and with changes to tests and private packages only", () => {
  expect(check().status).toBe(0);
  write("packages/a/test/a.test.ts", "// test\n");
  write("packages/p/src/index.ts", "export {};\n");
  const r = check();
  expect(r.status, r.stderr).toBe(0);
});

it("fails for a changed source file without a changeset, naming the package and the file", () => {
  write("packages/a/src/index.ts", "export const a = 2;\n");
  const r = check();
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("  @notos/a: packages/a/src/index.ts\n");
  expect(r.stderr).not.toContain("@notos/b");
  expect(r.stderr).toContain("npx changeset");
});

it("passes once a changeset names the package, and fails again for another package it does not name", () => {
  write(".changeset/brave-cats.md", '---\n"@notos/a": patch\n---\n\nA is two.\n');
  expect(check().status).toBe(0);
  write("packages/b/README.md", "# b\n");
  const r = check();
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("@notos/b: packages/b/README.md");
});

it("counts a release (the version moved, the changesets consumed) as covered", () => {
  rmSync(join(repo, ".changeset", "brave-cats.md"));
  write("packages/a/package.json", manifest("@notos/a", "0.1.1"));
  write("packages/a/CHANGELOG.md", "# @notos/a\n\n## 0.1.1\n");
  write("packages/b/package.json", manifest("@notos/b", "0.2.0"));
  const r = check();
  expect(r.status, r.stderr).toBe(0);
});

it("is a usage error for a base that does not exist", () => {
  const r = spawnSync(process.execPath, [script, "--root", repo, "--base", "no-such-ref"], { encoding: "utf8" });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/git diff .* failed/);
});
