// The check as `npm test` runs it: with no --base, against the merge base
// with main (HEAD on a fresh clone of main, so only uncommitted work
// counts); skipped with a message where there is no such base (a shallow
// or detached checkout without main, or no git at all); and run by
// scripts/test.mjs before turbo, whose run a failing check prevents.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const scripts = fileURLToPath(new URL("../../scripts/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "notos-changeset-default-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const write = (root: string, path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "protocol.file.allow=always", ...args], { cwd, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
};
// No NOTOS_CHANGESET_BASE from the environment running this suite.
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.NOTOS_CHANGESET_BASE;
const check = (root: string) => spawnSync(process.execPath, [join(root, "scripts", "check-changeset.mjs")], { cwd: root, encoding: "utf8", env });

/** A repository laid out like this one: the two scripts, a published package, one commit on main. */
function repository(name: string): string {
  const root = join(tmp, name);
  mkdirSync(root);
  git(root, "init", "-q", "-b", "main");
  mkdirSync(join(root, "scripts"));
  for (const f of ["check-changeset.mjs", "test.mjs"]) copyFileSync(join(scripts, f), join(root, "scripts", f));
  write(root, "packages/a/package.json", JSON.stringify({ name: "@notos/a", version: "0.1.0" }));
  write(root, "packages/a/src/index.ts", "export const a = 1;\n");
  write(root, ".gitignore", "marker\n");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "base");
  return root;
}

let origin = "";
beforeAll(() => {
  origin = repository("origin");
});

describe("check-changeset without --base", () => {
  it("compares with HEAD on main: a fresh clone passes, uncommitted work without a changeset fails", () => {
    const clone = join(tmp, "clone");
    git(tmp, "clone", "-q", origin, clone);
    const fresh = check(clone);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain(`base ${git(clone, "rev-parse", "HEAD").slice(0, 12)}`);
    write(clone, "packages/a/src/index.ts", "export const a = 2;\n");
    const changed = check(clone);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toContain("@notos/a: packages/a/src/index.ts");
  });

  it("on a branch, counts the commits since it left main", () => {
    const clone = join(tmp, "branch");
    git(tmp, "clone", "-q", origin, clone);
    git(clone, "checkout", "-q", "-b", "feature");
    write(clone, "packages/a/src/index.ts", "export const a = 3;\n");
    git(clone, "commit", "-q", "-am", "a is three");
    expect(check(clone).status).toBe(1);
  });

  it("is skipped, saying why, on a shallow detached checkout without main", () => {
    const shallow = join(tmp, "shallow");
    const head = git(origin, "rev-parse", "HEAD");
    mkdirSync(shallow);
    git(shallow, "init", "-q", "-b", "ci");
    git(shallow, "fetch", "-q", "--depth", "1", `file://${origin}`, head);
    git(shallow, "checkout", "-q", "--detach", head);
    write(shallow, "packages/a/src/index.ts", "export const a = 4;\n");
    const r = check(shallow);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^check-changeset: skipped — no merge base with main or origin\/main here/);
    expect(r.stdout).toContain("NOTOS_CHANGESET_BASE");
  });

  it("is skipped outside a git checkout (an unpacked source tarball)", () => {
    const plain = join(tmp, "plain");
    mkdirSync(join(plain, "scripts"), { recursive: true });
    copyFileSync(join(scripts, "check-changeset.mjs"), join(plain, "scripts", "check-changeset.mjs"));
    write(plain, "packages/a/package.json", JSON.stringify({ name: "@notos/a", version: "0.1.0" }));
    const r = check(plain);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/skipped/);
  });
});

describe("npm test (scripts/test.mjs)", () => {
  // A stand-in npx on PATH records that turbo would have run.
  const run = (root: string) => {
    const bin = join(root, ".bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "npx"), `#!/bin/sh\necho "$@" > "${join(root, "marker")}"\n`);
    chmodSync(join(bin, "npx"), 0o755);
    return spawnSync(process.execPath, [join(root, "scripts", "test.mjs")], { cwd: root, encoding: "utf8", env: { ...env, PATH: `${bin}:${process.env.PATH}` } });
  };

  it("stops before turbo when a published package changed without a changeset", () => {
    const clone = join(tmp, "npm-test-fail");
    git(tmp, "clone", "-q", origin, clone);
    write(clone, "packages/a/src/index.ts", "export const a = 5;\n");
    const r = run(clone);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("without a changeset");
    expect(existsSync(join(clone, "marker"))).toBe(false);
  });

  it("goes on to turbo when the check passes", () => {
    const clone = join(tmp, "npm-test-pass");
    git(tmp, "clone", "-q", origin, clone);
    run(clone);
    expect(existsSync(join(clone, "marker"))).toBe(true);
  });
});
