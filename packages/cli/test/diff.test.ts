// `notos diff` of git revisions, for real: a git repository in the package's
// test area (so its configurations resolve the workspace's @notos packages,
// as a user's project resolves its node_modules) with two commits of a
// system — the repository's default system, then the same with the Debian
// package `hello` and another /etc/motd — each built from a checkout through
// the repository's store (the first is the default system other tests
// build: cache hits), and compared. A second repository of small builders
// (no Debian packages) drives the errors and the clean-up on a failure, on
// Ctrl-C and after a kill; the pure placement and path mapping are checked
// alone.
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../src/commands.js";
import { intoWorktree, isInside, worktreeBase } from "../src/worktree.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
let dir: string;

async function cli(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, interactive: false });
  return { code, stdout, stderr };
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=notos test", "-c", "user.email=test@notos.invalid", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

function newRepo(name: string): string {
  const repo = join(dir, name);
  mkdirSync(repo);
  git(repo, "init", "--quiet", "--initial-branch=main");
  return repo;
}

function commit(repo: string, files: Record<string, string>, message: string, tag?: string): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
  git(repo, "add", "--all");
  git(repo, "commit", "--quiet", "--allow-empty", "-m", message);
  if (tag) git(repo, "tag", tag);
}

/** The worktrees git knows of besides the repository's own, and what is left in `.notos/diff`. */
function leftovers(repo: string): { worktrees: string[]; scratch: boolean } {
  const worktrees = git(repo, "worktree", "list", "--porcelain").split("\n").filter((l) => l.startsWith("worktree ")).map((l) => l.slice(9));
  return { worktrees: worktrees.filter((w) => realpathSync(w) !== realpathSync(repo)), scratch: existsSync(join(repo, ".notos", "diff")) };
}

beforeAll(() => {
  // Inside the package, so a checkout's configuration resolves @notos/* as a user's would.
  dir = realpathSync(mkdtempSync(join(here, ".work-")));
  vi.stubEnv("NOTOS_SYSTEM", "");
  vi.stubEnv("SOURCE_DATE_EPOCH", "");
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("notos diff REV1 REV2 on two commits of a real system", () => {
  let repo: string;

  beforeAll(async () => {
    // The repository's store: the default system's builders are there when other tests built it.
    vi.stubEnv("NOTOS_STORE", resolve(repoRoot, process.env.NOTOS_STORE || join(".notos", "store")));
    repo = newRepo("system");
    const project = JSON.stringify(join(repoRoot, "notos.config.ts"));
    copyFileSync(join(repoRoot, "notos.lock.json"), join(repo, "notos.lock.json"));
    commit(repo, { "notos.config.ts": `import project from ${project};\nexport default { imports: [project] };\n` }, "the default system");
    writeFileSync(
      join(repo, "notos.config.ts"),
      `import { mkForce } from "@notos/core";
import project from ${project};
export default { imports: [project], environment: { packages: ["hello"], etc: { motd: { text: mkForce("Welcome to the second revision.\\n") } } } };
`,
    );
    // As a user would: \`notos lock\` for the new package set. Packages the first
    // revision locked keep their versions, so the one difference is hello.
    const before = JSON.parse(readFileSync(join(repo, "notos.lock.json"), "utf8"));
    const locked = await cli(["lock"], repo);
    expect(locked.code, locked.stderr).toBe(0);
    const after = JSON.parse(readFileSync(join(repo, "notos.lock.json"), "utf8"));
    const kept = new Map(before.sets.rootfs.packages.map((p: { name: string }) => [p.name, p]));
    after.sets.rootfs.packages = after.sets.rootfs.packages.map((p: { name: string }) => kept.get(p.name) ?? p);
    commit(repo, { "notos.lock.json": JSON.stringify(after, null, 2) + "\n" }, "hello, and another motd");
  }, 120_000);

  it("builds each revision from a checkout, reports hello added and /etc/motd changed, and leaves no checkout behind", async () => {
    const { code, stdout, stderr } = await cli(["diff", "HEAD~1", "HEAD"], repo);
    expect(code, stderr).toBe(0);
    const [first, second] = [git(repo, "rev-parse", "HEAD~1"), git(repo, "rev-parse", "HEAD")];
    expect(stdout).toContain(`notos diff HEAD~1 (${first.slice(0, 12)}) → HEAD (${second.slice(0, 12)})\n`);
    expect(stdout).toContain("packages: 1 added, 0 removed, 0 upgraded, 0 downgraded\n  + hello ");
    expect(stdout).toMatch(/^ {2}\+ root\.squashfs:\/usr\/bin\/hello \(\d+ bytes, hello\)$/m);
    expect(stdout).toMatch(/^ {2}~ (initrd|root\.squashfs):\S*\/etc\/motd \(18 → 32 bytes/m);
    expect(stderr).toContain(`notos diff: building HEAD~1 (${first.slice(0, 12)})'s notos.config.ts`);
    expect(leftovers(repo)).toEqual({ worktrees: [], scratch: false });
    // The working tree is the second commit: `notos diff HEAD~1` says the same.
    const json = JSON.parse((await cli(["diff", "--json", "HEAD~1"], repo)).stdout);
    expect(json.packages.added.map((p: { name: string }) => p.name)).toEqual(["hello"]);
    expect(json.packages.removed).toEqual([]);
    expect(json.files.changed.map((c: { key: string }) => c.key).filter((k: string) => k.endsWith("/etc/motd"))).toHaveLength(1);
    expect(leftovers(repo)).toEqual({ worktrees: [], scratch: false });
  }, 900_000);
});

describe("notos diff of revisions that cannot be built", () => {
  let repo: string;
  const small = JSON.stringify(join(here, "fixtures", "small", "builders.ts"));
  // A builder that fails, or that never ends (until the process is interrupted).
  const failing = (body: string) => `import { defineBuilder, defineModule } from "@notos/core";
import { small } from ${small};
const broken = defineBuilder({ name: "broken", version: "1", reads: [], build: ${body} });
export default { imports: [small, defineModule({ name: "broken", builders: [broken] })] };
`;

  beforeAll(() => {
    vi.stubEnv("NOTOS_STORE", join(dir, "store"));
    repo = newRepo("broken");
    commit(repo, { "README.md": "no system yet\n" }, "no configuration", "empty");
    commit(repo, { "notos.config.ts": failing(`async () => { throw new Error("the disk is full of tests"); }`) }, "a failing builder", "fails");
    commit(repo, { "notos.config.ts": failing("() => new Promise((done) => setTimeout(done, 600_000))") }, "a builder that never ends", "stalls");
  });

  it("names a revision that does not exist, and a directory outside any git repository", async () => {
    const unknown = await cli(["diff", "no-such-branch", "HEAD"], repo);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`error: "no-such-branch" is neither a directory nor a revision of the git repository at ${repo}.`);
    const outside = realpathSync(mkdtempSync(join(tmpdir(), "notos-diff-")));
    try {
      const none = await cli(["diff", "HEAD~1", "HEAD"], outside);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain(`error: "HEAD~1" is not a directory, and ${outside} is not in a git repository`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("says which revision has no notos.config.ts, and which failed to build, removing their checkouts", async () => {
    const empty = await cli(["diff", "empty", "fails"], repo);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^error: empty \([0-9a-f]{12}\) has no notos\.config\.ts/m);
    expect(leftovers(repo)).toEqual({ worktrees: [], scratch: false });
    const failed = await cli(["diff", "fails", "stalls"], repo);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: Building fails \([0-9a-f]{12}\) failed: [\s\S]*the disk is full of tests/m);
    expect(leftovers(repo)).toEqual({ worktrees: [], scratch: false });
  });

  /** `notos diff stalls` as its own process, once it is building in its checkout. */
  async function stalled() {
    const child = spawn(process.execPath, [join(here, "..", "bin", "notos.js"), "diff", "stalls"], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on("exit", (code, signal) => done({ code, signal })));
    await new Promise<void>((building, failed) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("notos diff: building stalls")) building();
      });
      void ended.then(() => failed(new Error(`notos diff ended before building: ${stderr}`)));
    });
    expect(leftovers(repo).worktrees).toHaveLength(1);
    return { child, ended };
  }

  it("removes the checkout when interrupted (SIGINT) in the middle of a build", async () => {
    const { child, ended } = await stalled();
    child.kill("SIGINT");
    expect(await ended).toEqual({ code: null, signal: "SIGINT" });
    expect(leftovers(repo)).toEqual({ worktrees: [], scratch: false });
  });

  it("removes a checkout whose process was killed (SIGKILL) on its next run", async () => {
    const { child, ended } = await stalled();
    child.kill("SIGKILL");
    expect(await ended).toEqual({ code: null, signal: "SIGKILL" });
    expect(leftovers(repo)).toEqual({ worktrees: [expect.stringContaining(join(".notos", "diff"))], scratch: true });
    expect((await cli(["diff", "empty", "fails"], repo)).code).toBe(1);
    expect(leftovers(repo)).toEqual({ worktrees: [], scratch: false });
  });
});

describe("where checkouts go", () => {
  const has = (...dirs: string[]) => (d: string) => dirs.includes(d);

  it("at the git top level, or at the project below it that holds node_modules", () => {
    expect(worktreeBase({ toplevel: "/r", cwd: "/r/a/b", hasNodeModules: has("/r") })).toBe("/r");
    expect(worktreeBase({ toplevel: "/r", cwd: "/r/a/b", hasNodeModules: has("/") })).toBe("/r");
    expect(worktreeBase({ toplevel: "/r", cwd: "/r/a/b", hasNodeModules: has("/r/a", "/r") })).toBe("/r/a");
    expect(worktreeBase({ toplevel: "/r", cwd: "/r", hasNodeModules: has() })).toBe("/r");
  });

  it("maps the working tree's paths into the checkout", () => {
    expect(intoWorktree("/r/systems/disk", "/r", "/r/.notos/diff/1-1/tree")).toBe("/r/.notos/diff/1-1/tree/systems/disk");
    expect(intoWorktree("/r", "/r", "/r/.notos/diff/1-1/tree")).toBe("/r/.notos/diff/1-1/tree");
    expect(isInside("/r/a", "/r")).toBe(true);
    expect(isInside("/r", "/r")).toBe(true);
    expect(isInside("/ra", "/r")).toBe(false);
    expect(isInside("/", "/r")).toBe(false);
  });
});
