#!/usr/bin/env node
// A change to a published package needs a changeset: a `.changeset/*.md`
// that names the package (written by `npx changeset`), or a release that
// moves its version (`npx changeset version` consumes the changesets and
// bumps `version`). This compares the working tree (committed or not) with a
// base commit and names every published package that changed without one.
// Tests and test results are not published, so changes there need none.
//
//   node scripts/check-changeset.mjs [--base REF] [--root DIR]
//
// REF defaults to NOTOS_CHANGESET_BASE, else the merge base with `main`
// (else `origin/main`). On a fresh clone of main that is HEAD, so only
// uncommitted work counts. Where there is no such base — not a git
// checkout, a shallow or detached checkout without `main` or without the
// history down to the fork point — the check says so and passes: it cannot
// tell what changed, and `npm test` runs it first on every checkout.
// Exit 0: every changed package is covered (or no base to compare with);
// 1: some are not (listed); 2: a usage or git error.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const UNPUBLISHED = /^(test|tests|test-results|coverage|out|dist|node_modules|\.turbo)\/|(^|\/)[^/]+\.test\.[cm]?[jt]s$|^CHANGELOG\.md$|^vitest[^/]*\.config\.ts$/;

function usage(message) {
  console.error(`check-changeset: ${message}\nusage: node scripts/check-changeset.mjs [--base REF] [--root DIR]`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let root = fileURLToPath(new URL("..", import.meta.url));
let base = process.env.NOTOS_CHANGESET_BASE;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--base") base = argv[++i] ?? usage("--base needs a ref");
  else if (argv[i] === "--root") root = resolve(argv[++i] ?? usage("--root needs a directory"));
  else usage(`unknown argument ${argv[i]}`);
}

function git(...args) {
  const r = spawnSync("git", ["-C", root, ...args], { encoding: "utf8" });
  if (r.status !== 0) usage(`git ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** The merge base of HEAD with main (or origin/main), or undefined where git cannot say. */
function defaultBase() {
  for (const ref of ["main", "origin/main"]) {
    const r = spawnSync("git", ["-C", root, "merge-base", "HEAD", ref], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

if (base === undefined) {
  base = defaultBase();
  if (base === undefined) {
    console.log("check-changeset: skipped — no merge base with main or origin/main here (not a git checkout, or a shallow or detached one without it); set NOTOS_CHANGESET_BASE or pass --base to check against a commit.");
    process.exit(0);
  }
}
// Committed since the base, staged, unstaged and new files alike.
const changed = new Set(
  [...git("diff", "--name-only", base, "--").split("\n"), ...git("ls-files", "--others", "--exclude-standard").split("\n")].filter(Boolean),
);

/** Package names each changeset (present now, added since the base) names in its front matter. */
function changesetPackages() {
  const dir = join(root, ".changeset");
  const names = new Set();
  if (!existsSync(dir)) return names;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md")) {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, file), "utf8"))?.[1] ?? "";
    for (const m of front.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)) names.add(m[1]);
  }
  return names;
}

const versionAt = (ref, file) => {
  const r = spawnSync("git", ["-C", root, "show", `${ref}:${file}`], { encoding: "utf8" });
  return r.status === 0 ? JSON.parse(r.stdout).version : undefined;
};

const covered = changesetPackages();
const missing = [];
for (const dir of existsSync(join(root, "packages")) ? readdirSync(join(root, "packages")).sort() : []) {
  const manifest = join(root, "packages", dir, "package.json");
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, "utf8"));
  if (pkg.private) continue;
  const prefix = `packages/${dir}/`;
  const files = [...changed].filter((f) => f.startsWith(prefix) && !UNPUBLISHED.test(f.slice(prefix.length)));
  if (!files.length || covered.has(pkg.name)) continue;
  if (versionAt(base, `${prefix}package.json`) !== undefined && versionAt(base, `${prefix}package.json`) !== pkg.version) continue; // a release
  missing.push({ name: pkg.name, files });
}

if (missing.length) {
  console.error(`These published packages changed since ${base.slice(0, 12)} without a changeset:`);
  for (const m of missing) console.error(`  ${m.name}: ${m.files.slice(0, 3).join(", ")}${m.files.length > 3 ? `, … (${m.files.length} files)` : ""}`);
  console.error("Run `npx changeset`, choose these packages and the bump, and commit the file it writes in .changeset/.");
  process.exit(1);
}
console.log(`check-changeset: every changed published package has a changeset (base ${base.slice(0, 12)}).`);
