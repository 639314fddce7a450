// A git revision of the project, checked out for one command and gone
// afterwards. `notos diff` builds a revision's system from a detached
// worktree (`git worktree add --detach`) placed inside the project — under
// `.notos/diff/` at the git top level, or at the directory holding
// node_modules when that lies deeper — so the checkout's configuration
// resolves `@notos/*` to the packages installed now, as the working tree's
// does. The worktree is removed when the command ends, fails, crashes, or
// is interrupted (SIGINT, SIGTERM, SIGHUP: removed, then the signal goes on);
// one left by a killed process (its pid in the name is no longer running)
// is removed by the next run. The placement and the path mapping are pure;
// git runs at the edges.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { NotosError } from "@notos/core";
import { onProcessEnd, runProgram } from "@notos/core/process";

/** Where the checkouts of a project go, relative to the directory chosen by `worktreeBase`. */
export const WORKTREES_DIR = join(".notos", "diff");

/** A revision as git names it: what the user wrote and the commit it is. */
export interface Revision {
  name: string;
  commit: string;
}

/** `path` inside `dir` (or `dir` itself)? */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * The directory whose `.notos/diff` holds the checkouts: the git top level,
 * unless the nearest directory with node_modules (at or above `cwd`) lies
 * inside it — then that one, so module resolution from the checkout climbs
 * through it.
 */
export function worktreeBase(options: { toplevel: string; cwd: string; hasNodeModules: (dir: string) => boolean }): string {
  for (let dir = options.cwd; ; dir = dirname(dir)) {
    if (options.hasNodeModules(dir)) return dir !== options.toplevel && isInside(dir, options.toplevel) ? dir : options.toplevel;
    if (dirname(dir) === dir) return options.toplevel;
  }
}

/** The place in a checkout of `toplevel` at `worktree` that `path` (inside `toplevel`) has in the working tree. */
export function intoWorktree(path: string, toplevel: string, worktree: string): string {
  return join(worktree, relative(toplevel, path));
}

/** Run git in `cwd`; its stdout, or undefined when it fails (the caller says what that means). */
async function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
  const result = await runProgram("git", args, { cwd, reject: false, env: { GIT_TERMINAL_PROMPT: "0" } });
  if (result.startError) {
    throw new NotosError("`notos diff` of git revisions runs git, which is not installed.", {
      code: "GIT_MISSING",
      hint: "install git (Debian: apt-get install git), or compare two dist/ directories instead.",
      cause: result.startError,
    });
  }
  return result.exitCode === 0 ? result.stdout.toString("utf8").trim() : undefined;
}

/** The git top level of `cwd` (its real path), or undefined outside a repository. */
export async function gitToplevel(cwd: string): Promise<string | undefined> {
  const top = await git(cwd, ["rev-parse", "--show-toplevel"]);
  return top ? realpathSync(top) : undefined;
}

/** The commit `name` stands for, or undefined when it names none. */
export async function resolveRevision(toplevel: string, name: string): Promise<Revision | undefined> {
  // `--end-of-options`: a name starting with "-" is a revision, never an option.
  const commit = await git(toplevel, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${name}^{commit}`]);
  return commit ? { name, commit } : undefined;
}

/** Run `use` with a new temporary directory, removed afterwards whatever happens (a signal or crash included). */
export async function withTemporaryDirectory<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const release = onProcessEnd(() => rmSync(dir, { recursive: true, force: true }));
  try {
    return await use(dir);
  } finally {
    release();
    rmSync(dir, { recursive: true, force: true });
  }
}

function removeSync(toplevel: string, base: string, dir: string): void {
  spawnSync("git", ["worktree", "remove", "--force", join(dir, "tree")], { cwd: toplevel, stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
  spawnSync("git", ["worktree", "prune"], { cwd: toplevel, stdio: "ignore" });
  removeEmptyParents(base);
}

/** `.notos/diff` and `.notos` under `base`, when the checkouts were all that was in them. */
function removeEmptyParents(base: string): void {
  for (const dir of [join(base, WORKTREES_DIR), join(base, ".notos")]) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove the checkouts of processes that were killed before they could. */
function removeStale(toplevel: string, base: string): void {
  const dir = join(base, WORKTREES_DIR);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) removeSync(toplevel, base, join(dir, name));
  }
}

export interface Checkout {
  revision: Revision;
  /** The checkout: the project's files as of the revision. */
  tree: string;
  /** A directory beside it for what the command writes (removed with it). */
  scratch: string;
  /** The working tree's `path` (inside the git top level), in the checkout. */
  map(path: string): string;
}

let counter = 0;

/**
 * Run `use` with a detached checkout of `revision`, removed afterwards
 * whatever happens. `base` comes from `worktreeBase`.
 */
export async function withCheckout<T>(options: { toplevel: string; base: string; revision: Revision }, use: (checkout: Checkout) => Promise<T>): Promise<T> {
  const { toplevel, base, revision } = options;
  removeStale(toplevel, base);
  const dir = join(base, WORKTREES_DIR, `${process.pid}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  const release = onProcessEnd(() => removeSync(toplevel, base, dir));
  try {
    const tree = join(dir, "tree");
    const scratch = join(dir, "out");
    mkdirSync(scratch);
    const added = await runProgram("git", ["worktree", "add", "--detach", tree, revision.commit], { cwd: toplevel, reject: false });
    if (added.exitCode !== 0) {
      throw new NotosError(`Could not check out ${revision.name} (${revision.commit.slice(0, 12)}): ${added.stderr.toString("utf8").trim()}`, {
        code: "DIFF_CHECKOUT",
        hint: "`git worktree list` shows the repository's worktrees; `git worktree prune` forgets removed ones.",
      });
    }
    return await use({ revision, tree, scratch, map: (path) => intoWorktree(path, toplevel, tree) });
  } finally {
    release();
    await runProgram("git", ["worktree", "remove", "--force", join(dir, "tree")], { cwd: toplevel, reject: false });
    rmSync(dir, { recursive: true, force: true });
    await runProgram("git", ["worktree", "prune"], { cwd: toplevel, reject: false });
    removeEmptyParents(base);
  }
}

/** A path the user named, resolved from `cwd`, as a real path when it exists (git reports real paths). */
export function realPath(path: string, cwd: string): string {
  const p = resolve(cwd, path);
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
