// What a user of the published @notos packages gets: the tarballs as
// `npm pack` makes them, each with the license, its bin and the metadata that
// points back here, and type declarations that compile in a project that
// has installed nothing but the tarballs and TypeScript.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const REPOSITORY = "git+https://github.com/notos-dev/notos.git";

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  files?: string[];
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  dependencies?: Record<string, string>;
}

const packages = readdirSync(join(repoRoot, "packages")).map((dir) => ({
  dir,
  path: join(repoRoot, "packages", dir),
  pkg: JSON.parse(readFileSync(join(repoRoot, "packages", dir, "package.json"), "utf8")) as PackageJson,
}));

const clean = (p: string) => p.replace(/^\.\//, "");

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
}

function expectOk(r: SpawnSyncReturns<string>, what: string): void {
  expect(r.status, `${what} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
}

describe("package metadata", () => {
  const license = readFileSync(join(repoRoot, "LICENSE"), "utf8");

  it("the repository's LICENSE is MIT, held by the notos authors", () => {
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the notos authors\n/);
  });

  it.each(packages.map((p) => [p.dir, p] as const))("%s: MIT, the same LICENSE file, and links back to the repository", (dir, { path, pkg }) => {
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(join(path, "LICENSE"), "utf8"), `packages/${dir}/LICENSE differs from the root LICENSE`).toBe(license);
    expect(pkg.repository).toEqual({ type: "git", url: REPOSITORY, directory: `packages/${dir}` });
    expect(pkg.homepage).toBe(`https://github.com/notos-dev/notos/tree/main/packages/${dir}#readme`);
    expect(pkg.bugs).toEqual({ url: "https://github.com/notos-dev/notos/issues" });
  });

  // Two packages with one bin name overwrite each other's link: which
  // command `npx` runs would depend on npm's install order.
  it("no two packages publish the same bin name", () => {
    const owners = new Map<string, string[]>();
    for (const { pkg } of packages) for (const name of Object.keys(pkg.bin ?? {})) owners.set(name, [...(owners.get(name) ?? []), pkg.name]);
    const shared = [...owners].filter(([, names]) => names.length > 1).map(([bin, names]) => `${bin}: ${names.join(", ")}`);
    expect(shared).toEqual([]);
  });

  // The tarballs below need every package's dist/, and turbo builds only
  // this workspace's dependencies before its tests.
  it("every package is a dependency of this workspace, so turbo builds it first", () => {
    const own = JSON.parse(readFileSync(join(repoRoot, "tests", "package.json"), "utf8")) as PackageJson & { devDependencies?: Record<string, string> };
    const byName = new Map(packages.map((p) => [p.pkg.name, p.pkg]));
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name) || !byName.has(name)) return;
      reached.add(name);
      for (const dep of Object.keys(byName.get(name)!.dependencies ?? {})) visit(dep);
    };
    for (const dep of Object.keys({ ...own.dependencies, ...own.devDependencies })) visit(dep);
    expect([...byName.keys()].filter((n) => !reached.has(n))).toEqual([]);
  });

  // npm links bins when it installs, which in a fresh clone is before the
  // build: a bin under dist/ is not linked and `npx` falls through to the
  // registry. A committed launcher with its executable bit avoids both.
  it.each(packages.filter((p) => p.pkg.bin).map((p) => [p.dir, p] as const))("%s: every bin is a committed executable outside dist/", (dir, { pkg }) => {
    for (const [name, target] of Object.entries(pkg.bin!)) {
      const file = `packages/${dir}/${clean(target)}`;
      expect(file, `bin ${name}`).not.toMatch(/\/dist\//);
      const staged = run("git", ["ls-files", "-s", "--", file], repoRoot).stdout;
      expect(staged, `${file} is not committed`).not.toBe("");
      expect(staged.split(" ")[0], `${file} lacks its executable bit in git`).toBe("100755");
    }
  });
});

describe("published tarballs", () => {
  let work = "";
  const tarballs = new Map<string, { filename: string; files: string[] }>();

  beforeAll(() => {
    // Outside the repository, so that no node_modules above the consumer
    // project lends it the repository's @types/node.
    work = mkdtempSync(join(tmpdir(), "notos-pack-"));
    expect(relative(repoRoot, work).startsWith("..")).toBe(true);
    const r = run("npm", ["pack", "--json", "--pack-destination", work, ...packages.map((p) => `--workspace=packages/${p.dir}`)], repoRoot);
    expectOk(r, "npm pack");
    const packed = JSON.parse(r.stdout) as { name: string; filename: string; files: { path: string }[] }[];
    for (const p of packed) tarballs.set(p.name, { filename: p.filename, files: p.files.map((f) => f.path) });
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each(packages.map((p) => [p.dir, p] as const))("%s: the tarball holds the license, the README, every bin and every export", (_, { pkg }) => {
    const files = tarballs.get(pkg.name)?.files;
    expect(files, `${pkg.name} was not packed`).toBeDefined();
    const targets = [
      ...Object.values(pkg.bin ?? {}),
      ...Object.values(pkg.exports ?? {}).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e))),
    ].map(clean);
    for (const want of ["LICENSE", "README.md", "package.json", ...targets]) expect(files, want).toContain(want);
  });

  // A library whose declarations name Node's types (Buffer, NodeJS.*,
  // node:*) must bring @types/node along; TypeScript would otherwise
  // report them missing in every consumer that checks its libraries. The
  // compile check below cannot tell which package brought @types/node (npm
  // hoists one copy for all), so each package is held to it here.
  it.each(packages.map((p) => [p.dir, p] as const))("%s: declares @types/node when its published types use Node's", (dir, { path, pkg }) => {
    const dts = readFileSync(join(path, "dist", "index.d.ts"), "utf8");
    const usesNode = /\bNodeJS\.|\bBuffer\b|from ["']node:|<reference types="node"/.test(dts);
    if (usesNode) expect(Object.keys(pkg.dependencies ?? {}), `packages/${dir}/dist/index.d.ts uses Node's types`).toContain("@types/node");
  });

  it("the declarations compile in a project with only the tarballs installed (skipLibCheck off, no @types/node of its own)", () => {
    const consumer = join(work, "consumer");
    mkdirSync(consumer);
    const dependencies = Object.fromEntries([...tarballs].map(([name, t]) => [name, `file:../${t.filename}`]));
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies }, null, 2));
    // The npm cache already holds every locked package (the checkout running
    // this test was installed from the same lock), so prefer it over the network.
    expectOk(run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], consumer), "npm install of the tarballs");
    writeFileSync(join(consumer, "index.ts"), packages.map((p) => `export * as ${p.dir.replace(/-/g, "_")} from "${p.pkg.name}";\n`).join(""));
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023"], strict: true, skipLibCheck: false, noEmit: true },
        files: ["index.ts"],
      }),
    );
    // The repository's TypeScript (the version the packages are built with);
    // it resolves types from the consumer's tsconfig, not from where tsc lives.
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    expectOk(run(process.execPath, [tsc, "-p", consumer], consumer), "tsc in the consumer project");
  });
});
