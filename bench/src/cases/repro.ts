// Reproducibility: two builds of HEAD from clean stores, in two clones with
// different absolute paths and different TMPDIRs (the Debian download cache
// is shared: it holds verified inputs, not outputs). The dist files must be
// byte-identical; on a mismatch the first differing entries are named.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { readRoots } from "@notos/core/store";
import { diffByKey, diffLines, firstDifferentByte, type EntryDiff } from "../diff.js";
import { initrdMembers } from "../newc.js";
import { cleanBuildEnv, cloneRepo, scratchDir } from "../repo.js";
import { turboDist } from "../turbo.js";

export const REPRO_FILES = ["kernel", "initrd", "root.squashfs", "command-line"] as const;

export interface FileComparison {
  name: string;
  size: [number, number];
  sha256: [string, string];
  same: boolean;
  /** The first differences, when not the same. */
  details: EntryDiff[];
}

export interface ReproResult {
  identical: boolean;
  /** Seconds of each clean build. */
  builds: [number, number];
  files: FileComparison[];
}

export interface ReproOptions {
  keep?: boolean;
  log?: (line: string) => void;
  /**
   * The test's way (only the bytes matter there): the packages are compiled
   * once, in the first clone, and the second clone takes them from that
   * clone's turbo cache; then the two dist builds, each from its own empty
   * store, run at once. The bench builds each clone whole, one after the
   * other, so each build time is a clean build's alone.
   */
  parallel?: boolean;
}

export async function runRepro(options: ReproOptions = {}): Promise<ReproResult> {
  const log = options.log ?? (() => {});
  const [wa, wb] = [await scratchDir("repro-a"), await scratchDir("repro-b")];
  try {
    // Different depths and names, so a path leaking into an artifact changes its bytes.
    const sides = [
      { clone: join(wa, "notos"), tmp: join(wa, "tmp"), cache: join(wa, "turbo") },
      { clone: join(wb, "elsewhere", "deeper", "notos-b"), tmp: join(wb, "other-tmp"), cache: join(wb, "turbo") },
    ];
    const build = async (side: (typeof sides)[number], i: number): Promise<number> => {
      await cloneRepo(side.clone);
      await mkdir(side.tmp, { recursive: true });
      const r = await turboDist(side.clone, { env: cleanBuildEnv({ TMPDIR: side.tmp }), cacheDir: side.cache });
      log(`repro: clean build ${"AB"[i]} in ${r.seconds.toFixed(1)} s (${side.clone})`);
      return r.seconds;
    };
    const builds: number[] = [];
    if (options.parallel) builds.push(...(await sharedCompile(sides, log)));
    else for (const [i, side] of sides.entries()) builds.push(await build(side, i));
    const [a, b] = sides.map((s) => s.clone) as [string, string];
    const files = await Promise.all(REPRO_FILES.map((name) => compare(name, a, b)));
    return { identical: files.every((f) => f.same), builds: builds as [number, number], files };
  } finally {
    if (!options.keep) await Promise.all([rm(wa, { recursive: true, force: true }), rm(wb, { recursive: true, force: true })]);
  }
}

/**
 * Both clones, the packages compiled once (the second clone replays the
 * first's compile from its turbo cache: the same commit gives the same task
 * hashes), then both dist tasks at once, each from an empty store.
 */
async function sharedCompile(sides: { clone: string; tmp: string; cache: string }[], log: (line: string) => void): Promise<number[]> {
  await Promise.all(sides.map(async (side) => {
    await cloneRepo(side.clone);
    await mkdir(side.tmp, { recursive: true });
  }));
  const [first] = sides as [(typeof sides)[number]];
  for (const side of sides) {
    const r = await turboDist(side.clone, { env: cleanBuildEnv({ TMPDIR: side.tmp }), cacheDir: first.cache, task: "build" });
    log(`repro: packages compiled in ${side.clone} in ${r.seconds.toFixed(1)} s (${r.cached}/${r.total} from the first clone's turbo cache)`);
  }
  return Promise.all(
    sides.map(async (side, i) => {
      const r = await turboDist(side.clone, { env: cleanBuildEnv({ TMPDIR: side.tmp }), cacheDir: side.cache, only: true });
      log(`repro: clean dist build ${"AB"[i]} in ${r.seconds.toFixed(1)} s (${side.clone})`);
      return r.seconds;
    }),
  );
}

async function compare(name: string, a: string, b: string): Promise<FileComparison> {
  const [da, db] = await Promise.all([readFile(join(a, "dist", name)), readFile(join(b, "dist", name))]);
  const sha = (d: Buffer) => createHash("sha256").update(d).digest("hex");
  const same = da.equals(db);
  return { name, size: [da.length, db.length], sha256: [sha(da), sha(db)], same, details: same ? [] : await explain(name, a, b, da, db) };
}

async function explain(name: string, a: string, b: string, da: Buffer, db: Buffer): Promise<EntryDiff[]> {
  const byte = (): EntryDiff[] => [{ path: name, what: `first differing byte at offset ${firstDifferentByte(da, db)}` }];
  if (name === "command-line") return diffLines(da.toString("utf8"), db.toString("utf8"));
  if (name === "initrd") {
    const [ma, mb] = await Promise.all([a, b].map((dir) => initrdMembers(join(dir, "dist", "initrd"))));
    const d = diffByKey(ma!, mb!, (m) => m.path);
    return d.length ? d : [{ path: "(archive)", what: "same members, same contents: the compressed bytes differ" }, ...byte()];
  }
  if (name === "root.squashfs") {
    const [fa, fb] = await Promise.all([rootfsManifest(a), rootfsManifest(b)]);
    if (fa && fb) {
      const [ma, mb] = await Promise.all([fa, fb].map(async (file) => JSON.parse(await readFile(file, "utf8")) as { path: string }[]));
      const d = diffByKey(ma!, mb!, (e) => e.path);
      if (d.length) return d.map((e) => ({ ...e, what: `manifest.json: ${e.what}` }));
    }
    const list = async (dir: string) => (await execa("unsquashfs", ["-lln", join(dir, "dist", "root.squashfs")])).stdout;
    const d = diffLines(await list(a), await list(b));
    return d.length ? d.map((e) => ({ ...e, what: `unsquashfs -lln: ${e.what}` })) : [{ path: "(image)", what: "same manifest and listing: file contents or image layout differ" }, ...byte()];
  }
  return byte();
}

/**
 * manifest.json of the rootfs entry the clone's dist/ came from. Nothing
 * outside the store holds it, so it is found through the roots the dist task
 * wrote; the clone's build had its own store (no NOTOS_STORE), at the default place.
 */
async function rootfsManifest(clone: string): Promise<string | undefined> {
  const entry = [...(await readRoots(join(clone, ".notos", "store")))].find((name) => name.endsWith("-rootfs"));
  const file = entry && join(clone, ".notos", "store", entry, "manifest.json");
  return file && existsSync(file) ? file : undefined;
}
