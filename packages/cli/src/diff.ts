// `notos diff A B`: two builds compared by @notos/sbom/diff — packages
// added, removed, upgraded; files changed; bytes per package in the root
// and per file of dist/. Each side is a dist/ directory, or else a git
// revision of the project: checked out into a temporary worktree (see
// worktree.ts), its system (the configuration the working tree's would be,
// with that revision's notos.lock.json) built into a temporary dist/ with
// the notos packages installed now, through the project's store — so what
// the two revisions share is built once, and what the working tree built
// before is not built again. `notos diff A` compares A with the working
// tree's system, built the same way. Text by default, the diff as JSON with
// --json. @notos/sbom is an optional peer, loaded when the command runs.
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { NotosError, loadSystem, type LoadedSystem } from "@notos/core";
import { findRepoRoot } from "@notos/core/graph";
import type { Reporter } from "@notos/core/progress";
import { hashValue } from "@notos/core/store";
import type { CliIO } from "./commands.js";

const CONFIG_FILE = "notos.config.ts";
import { optionalPackage } from "./optional.js";
import { assembleDist, buildSystem } from "./system.js";
import { gitToplevel, isInside, realPath, resolveRevision, withCheckout, withTemporaryDirectory, worktreeBase, type Checkout, type Revision } from "./worktree.js";

interface SbomDiff {
  readBuild(dir: string): Promise<unknown>;
  diffBuilds(a: unknown, b: unknown): unknown;
  formatDiff(diff: unknown, labels: { a: string; b: string }): string;
}

export interface DiffOptions {
  json: boolean;
  /** --system FILE: the configuration, in the working tree and in each revision. */
  system?: string;
  reporter: () => Reporter;
}

/** One side of the comparison, as the user named it. */
export type DiffSide =
  | { kind: "dist"; label: string; dir: string }
  | { kind: "revision"; label: string; toplevel: string; revision: Revision }
  | { kind: "working tree"; label: string };

export async function diffCommand(positionals: readonly string[], options: DiffOptions, io: CliIO): Promise<number> {
  if (positionals.length < 1 || positionals.length > 2) {
    throw new NotosError("`notos diff` compares two builds: `notos diff A B`, each a dist/ directory or a git revision (`notos diff A`: A and the working tree).", {
      code: "USAGE",
      hint: "e.g. `notos diff HEAD~1 HEAD`, `notos diff main`, or `notos diff dist-a dist-b` (built with `notos dist --out DIR`).",
    });
  }
  const sbom = await optionalPackage<SbomDiff>("@notos/sbom/diff", "notos diff");
  const cwd = realPath(io.cwd ?? process.cwd(), process.cwd());
  const sides: DiffSide[] = [];
  for (const arg of positionals) sides.push(await classify(arg, cwd));
  if (sides.length === 1) sides.push({ kind: "working tree", label: "working tree" });
  const records: unknown[] = [];
  for (const [i, side] of sides.entries()) records.push(await record(side, i === 0 ? "a" : "b", { ...options, cwd, sbom }, io));
  const diff = sbom.diffBuilds(records[0], records[1]);
  io.stdout(options.json ? JSON.stringify(diff, null, 2) + "\n" : sbom.formatDiff(diff, { a: sides[0]!.label, b: sides[1]!.label }));
  return 0;
}

/** A directory is a build; anything else must be a revision of the git repository around `cwd`. */
export async function classify(arg: string, cwd: string): Promise<DiffSide> {
  const dir = resolve(cwd, arg);
  if (existsSync(dir) && statSync(dir).isDirectory()) return { kind: "dist", label: arg, dir };
  const toplevel = await gitToplevel(cwd);
  if (toplevel === undefined) {
    throw new NotosError(`${JSON.stringify(arg)} is not a directory, and ${cwd} is not in a git repository, so it is no revision either.`, {
      code: "DIFF_NOT_A_REPOSITORY",
      hint: "run `notos diff` inside the project's git repository to compare revisions, or name two dist/ directories.",
    });
  }
  const revision = await resolveRevision(toplevel, arg);
  if (revision === undefined) {
    throw new NotosError(`${JSON.stringify(arg)} is neither a directory nor a revision of the git repository at ${toplevel}.`, {
      code: "DIFF_UNKNOWN_REVISION",
      hint: "name a commit, branch or tag (`git log --oneline` lists them), or a dist/ directory that exists.",
    });
  }
  return { kind: "revision", label: `${arg} (${revision.commit.slice(0, 12)})`, toplevel, revision };
}

interface RecordContext extends DiffOptions {
  cwd: string;
  sbom: SbomDiff;
}

/** The record of one side: read from its directory, or built first. */
async function record(side: DiffSide, slot: "a" | "b", ctx: RecordContext, io: CliIO): Promise<unknown> {
  const read = async (dir: string) => {
    try {
      return await ctx.sbom.readBuild(dir);
    } catch (error) {
      if (side.kind === "dist" || !(error instanceof NotosError) || error.code !== "DIFF_NO_SBOM") throw error;
      throw new NotosError(`The build of ${side.label} has no SBOM: its system does not import sbomModule (@notos/sbom).`, {
        code: error.code,
        hint: "`notos diff` reads each build's sbom.cdx.json: add sbomModule to the configuration's imports (in both revisions).",
        cause: error,
      });
    }
  };
  if (side.kind === "dist") return read(side.dir);
  if (side.kind === "working tree") {
    const system = await loadSystem({ ...(ctx.system !== undefined ? { file: ctx.system } : {}), cwd: ctx.cwd });
    return withTemporaryDirectory("notos-diff-", async (out) => {
      io.stderr(`notos diff: building the working tree's ${relative(ctx.cwd, system.file) || system.file}\n`);
      await build(system, join(out, "dist"), rootsFor(relative(findRepoRoot(system.dir) ?? system.dir, system.file), slot), ctx.reporter(), io);
      return await read(join(out, "dist"));
    });
  }
  const { toplevel, revision } = side;
  const base = worktreeBase({ toplevel, cwd: ctx.cwd, hasNodeModules: (d) => existsSync(join(d, "node_modules")) });
  return withCheckout({ toplevel, base, revision }, async (checkout) => {
    const system = await loadRevision(side, checkout, ctx);
    io.stderr(`notos diff: building ${side.label}'s ${relative(checkout.tree, system.file)} (the notos packages installed now)\n`);
    const dist = join(checkout.scratch, "dist");
    try {
      await build(system, dist, rootsFor(relative(checkout.tree, system.file), slot), ctx.reporter(), io);
    } catch (error) {
      throw revisionError(side, checkout, "DIFF_BUILD_FAILED", `building ${side.label} failed`, error);
    }
    return await read(dist);
  });
}

/**
 * The roots file of one side's build: named by the configuration's place in
 * the project, so each diff replaces the last one's (the store keeps what
 * the last diff built, gc takes what earlier ones did).
 */
function rootsFor(config: string, slot: "a" | "b"): string {
  return `diff-${hashValue(config).slice(0, 8)}-${slot}`;
}

async function build(system: LoadedSystem, dist: string, roots: string, reporter: Reporter, io: CliIO): Promise<void> {
  const started = performance.now();
  const built = await buildSystem(system, { reporter, distDir: dist, roots });
  await assembleDist(dist, built, system.config);
  const worked = built.realisations.filter((r) => !r.cached);
  io.stderr(`notos diff: ${worked.length} of ${built.realisations.length} builders did work${worked.length ? ` (${worked.map((r) => `${r.builder} ${r.seconds.toFixed(1)}s`).join(", ")})` : ""}, ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
}

/**
 * The revision's system: the configuration the working tree would load
 * (--system FILE, NOTOS_SYSTEM, or notos.config.ts from the same directory
 * upward), at the same place in the checkout, with the checkout's lock
 * file and the working tree's store.
 */
async function loadRevision(side: Extract<DiffSide, { kind: "revision" }>, checkout: Checkout, ctx: RecordContext): Promise<LoadedSystem> {
  const named = ctx.system ?? (process.env.NOTOS_SYSTEM || undefined);
  let file = named;
  if (named !== undefined && isAbsolute(named)) {
    const real = realPath(named, ctx.cwd);
    if (!isInside(real, side.toplevel)) {
      throw new NotosError(`The configuration ${named} is outside the git repository at ${side.toplevel}, so no revision has it.`, {
        code: "DIFF_SYSTEM_OUTSIDE",
        hint: "name a configuration inside the repository (--system FILE or NOTOS_SYSTEM), or compare dist/ directories.",
      });
    }
    file = checkout.map(real);
  }
  const from = checkout.map(ctx.cwd);
  const candidates = file === undefined ? upward(from, checkout.tree) : isAbsolute(file) ? [file] : [resolve(from, file), resolve(findRepoRoot(from) ?? from, file)];
  const found = candidates.find((c) => isInside(c, checkout.tree) && existsSync(c) && statSync(c).isFile());
  if (found === undefined) {
    const looked = [...new Set(candidates.filter((c) => isInside(c, checkout.tree)))].map((c) => `${side.revision.name}:${relative(checkout.tree, c)}`);
    throw new NotosError(`${side.label} has no ${named ?? CONFIG_FILE} (looked for ${looked.join(", ") || named}).`, {
      code: "DIFF_NO_CONFIG",
      hint: "name a revision that has the configuration, or the configuration with --system FILE (or NOTOS_SYSTEM).",
    });
  }
  let system: LoadedSystem;
  try {
    system = await loadSystem({ file: found });
  } catch (error) {
    throw revisionError(side, checkout, "DIFF_BUILD_FAILED", `loading ${side.label}'s configuration failed`, error);
  }
  // The checkout is removed afterwards: the store it would have had is the working tree's.
  const storeDir = isInside(system.storeDir, checkout.tree) ? join(side.toplevel, relative(checkout.tree, system.storeDir)) : system.storeDir;
  return { ...system, storeDir };
}

/** notos.config.ts in `from` and each directory above it, up to the checkout's top. */
function upward(from: string, top: string): string[] {
  const found: string[] = [];
  for (let dir = from; isInside(dir, top); dir = dirname(dir)) {
    found.push(join(dir, CONFIG_FILE));
    if (dir === top) break;
  }
  return found;
}

/** An error of a revision's build, its checkout's paths written as git does (`HEAD~1:notos.config.ts`). */
function revisionError(side: Extract<DiffSide, { kind: "revision" }>, checkout: Checkout, code: string, what: string, error: unknown): NotosError {
  const plain = (text: string) => text.split(`${checkout.tree}/`).join(`${side.revision.name}:`).split(checkout.tree).join(`${side.revision.name}:`);
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof NotosError && error.hint ? plain(error.hint) : "run `NOTOS_LOG=debug notos diff …` for the build's stack trace.";
  return new NotosError(`${what[0]!.toUpperCase()}${what.slice(1)}: ${plain(message)}`, { code, hint, cause: error });
}
