#!/usr/bin/env node
// What depending on one @notos package costs a user: for every publishable
// package, an empty project outside the repository that depends on that
// package's `npm pack` tarball alone (its @notos dependencies resolve to
// their tarballs too, as they would from the registry), then `du -sh
// node_modules` and the number of packages npm installed. Prints a Markdown
// table; `--json` prints the numbers instead.
//
//   node scripts/package-sizes.mjs [--json] [package-dir …]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const json = args.includes("--json");
const wanted = args.filter((a) => !a.startsWith("--"));

function run(cmd, argv, cwd) {
  const r = spawnSync(cmd, argv, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const dirs = readdirSync(join(root, "packages")).filter((d) => {
  const file = join(root, "packages", d, "package.json");
  return existsSync(file) && !JSON.parse(readFileSync(file, "utf8")).private;
});
const work = mkdtempSync(join(tmpdir(), "notos-sizes-"));
try {
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work, ...dirs.map((d) => `--workspace=packages/${d}`)], root));
  const tarballs = Object.fromEntries(packed.map((p) => [p.name, join(work, p.filename)]));
  const rows = [];
  for (const [name, tarball] of Object.entries(tarballs)) {
    const dir = dirs.find((d) => JSON.parse(readFileSync(join(root, "packages", d, "package.json"), "utf8")).name === name);
    if (wanted.length && !wanted.includes(dir)) continue;
    const project = join(work, `project-${dir}`);
    mkdirSync(project);
    // The other @notos packages are not on the registry yet: overrides send
    // each to its tarball, wherever in the tree it is asked for.
    const overrides = Object.fromEntries(Object.entries(tarballs).filter(([n]) => n !== name).map(([n, t]) => [n, `file:${t}`]));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "sizes", private: true, dependencies: { [name]: `file:${tarball}` }, overrides }, null, 2));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], project);
    const size = run("du", ["-sh", "node_modules"], project).split(/\s/)[0];
    const kib = Number(run("du", ["-sk", "node_modules"], project).split(/\s/)[0]);
    const installed = JSON.parse(readFileSync(join(project, "node_modules", ".package-lock.json"), "utf8")).packages;
    const deps = Object.keys(installed).filter((p) => p.startsWith("node_modules/") && !installed[p].link);
    rows.push({ package: name, size, kib, packages: deps.length, notos: deps.filter((d) => d.includes("@notos/")).map((d) => d.replace(/^.*node_modules\//, "")).sort() });
  }
  if (json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log("| package | du -sh node_modules | packages installed | @notos packages pulled in |");
    console.log("| --- | --- | --- | --- |");
    for (const r of rows) console.log(`| \`${r.package}\` | ${r.size} | ${r.packages} | ${r.notos.filter((n) => n !== r.package).join(", ") || "—"} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
