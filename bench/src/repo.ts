// Where the repository is, and scratch copies of it. Build timings run in a
// fresh clone of HEAD, never in the working tree: a bench run must not touch
// the repository's dist/, out/, store or turbo cache, nor pick up half-done
// edits, and a killed bench leaves nothing changed behind.
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

/** The repository root: bench/src/*.ts and bench/dist/*.js both sit two levels below it. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const benchDir = join(repoRoot, "bench");

/** A fresh temporary directory for the bench (under TMPDIR). */
export function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `notos-bench-${prefix}-`));
}

/** The commit a clone would get. */
export async function headCommit(): Promise<string> {
  return (await execa("git", ["rev-parse", "HEAD"], { cwd: repoRoot })).stdout.trim();
}

/** Directories holding node_modules in the repository: the root and each workspace. */
function nodeModulesDirs(root: string): string[] {
  const dirs = ["node_modules"];
  for (const group of ["packages", "examples"]) {
    if (!existsSync(join(root, group))) continue;
    for (const name of readdirSync(join(root, group))) dirs.push(join(group, name, "node_modules"));
  }
  dirs.push("systems/node_modules", "tests/node_modules", "bench/node_modules");
  return dirs.filter((d) => existsSync(join(root, d)));
}

/**
 * Clone HEAD into `dest` and give it the repository's installed
 * node_modules: hard links where the file system allows (seconds instead of
 * an `npm ci`), a copy otherwise. The workspace links inside are relative,
 * so they point into the clone's own packages.
 */
export async function cloneRepo(dest: string): Promise<string> {
  await mkdir(dirname(dest), { recursive: true });
  await execa("git", ["clone", "--quiet", "--no-checkout", repoRoot, dest]);
  await execa("git", ["checkout", "--quiet", await headCommit()], { cwd: dest });
  for (const dir of nodeModulesDirs(repoRoot)) {
    if (!existsSync(dirname(join(dest, dir)))) continue;
    const from = join(repoRoot, dir);
    const to = join(dest, dir);
    const linked = await execa("cp", ["-al", from, to], { reject: false });
    if (linked.exitCode !== 0) await execa("cp", ["-a", from, to]);
  }
  return dest;
}

/** The environment of a build in a clone: no store or system from the caller, no turbo variables of an outer turbo run. */
export function cleanBuildEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("TURBO_") || k === "NOTOS_STORE" || k === "NOTOS_SYSTEM") continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}
