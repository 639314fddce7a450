// Build timings, in one scratch clone of HEAD:
//   cold  — empty turbo cache (a fresh --cache-dir) and empty notos store
//           (a fresh NOTOS_STORE); the Debian download cache stays warm;
//   noop  — the same again with nothing changed: turbo should answer it all;
//   etc   — one /etc entry changed: etc, root-layers and initrd (the join
//           of the stage-1 archive and the layers) must build, and whatever
//           describes or signs the initrd may (the SBOM, a UKI); no builder
//           that unpacks or packs Debian packages may — root.squashfs, the
//           kernel and the stage-1 archive answer from the store.
// The /etc edit goes into a separate system in the clone's systems/ (which
// turbo hashes as an input of the dist task) that imports the clone's
// notos.config.ts, selected with NOTOS_SYSTEM: no configuration is ever
// edited in place.
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cleanBuildEnv, cloneRepo, scratchDir } from "../repo.js";
import { summarize, type Summary } from "../stats.js";
import { turboDist, type DistRun } from "../turbo.js";

export type BuildCase = "cold" | "noop" | "etc";

export interface BuildRunRecord {
  seconds: number;
  /** Turbo tasks that ran, of all. */
  cached: number;
  total: number;
  executed: string[];
  builders: DistRun["builders"];
}

export interface BuildCaseResult {
  time: Summary;
  runs: BuildRunRecord[];
  /** etc only: builders of ETC_EDIT_MUST_NOT_BUILD that did real work. */
  unexpected?: string[];
  /** etc only: of ETC_EDIT_MUST_BUILD, those that did not build in some run (the edit did not reach them). */
  missing?: string[];
}

/** Builders an /etc edit must rebuild (dist itself is the task, not a builder). */
export const ETC_EDIT_MUST_BUILD = ["etc", "root-layers", "initrd"];
/** Builders that unpack or pack Debian packages, which an /etc edit must never rebuild. */
export const ETC_EDIT_MUST_NOT_BUILD = ["rootfs", "kernel", "initrd-base", "sbom-packages", "dpkg-status"];

const ETC_SYSTEM_DIR = join("systems", "bench-etc-edit");
const ETC_CONFIG = join(ETC_SYSTEM_DIR, "notos.config.ts");

function etcEditConfig(run: number): string {
  return `// Written by the bench: the repository's system with one /etc entry changed.
import { defineSystem } from "@notos/core";
import system from "../../notos.config.ts";

export default defineSystem({
  imports: [system],
  environment: { etc: { "bench-edit": { text: ${JSON.stringify(`bench edit ${run} ${Date.now()}\n`)} } } },
});
`;
}

export interface BuildCaseOptions {
  runs: number;
  /** Keep the scratch clone, stores and caches (for a look afterwards). */
  keep?: boolean;
  log: (line: string) => void;
}

export async function runBuildCases(cases: ReadonlySet<BuildCase>, options: BuildCaseOptions): Promise<Partial<Record<BuildCase, BuildCaseResult>>> {
  const work = await scratchDir("builds");
  try {
    return await measure(work, cases, options);
  } finally {
    if (!options.keep) await rm(work, { recursive: true, force: true });
  }
}

async function measure(work: string, cases: ReadonlySet<BuildCase>, { runs, log }: BuildCaseOptions): Promise<Partial<Record<BuildCase, BuildCaseResult>>> {
  const clone = await cloneRepo(join(work, "notos"));
  log(`builds: clone of HEAD in ${clone}`);
  const tmp = join(work, "tmp");
  await mkdir(tmp);
  const results: Partial<Record<BuildCase, BuildCaseResult>> = {};
  const record = (r: DistRun): BuildRunRecord => ({ seconds: r.seconds, cached: r.cached, total: r.total, executed: r.executed, builders: r.builders });

  // Every later case starts from the state the last cold build left.
  let store = join(work, "store-0");
  let cacheDir = join(work, "turbo-0");
  const env = (extra: Record<string, string> = {}) => cleanBuildEnv({ NOTOS_STORE: store, TMPDIR: tmp, ...extra });
  const coldRuns = cases.has("cold") ? runs : 1;
  const cold: BuildRunRecord[] = [];
  for (let i = 1; i <= coldRuns; i++) {
    store = join(work, `store-${i}`);
    cacheDir = join(work, `turbo-${i}`);
    // The last build's store entries, left in .notos/carry for turbo's cache, would be a store for this one: not cold.
    await rm(join(clone, ".notos", "carry"), { recursive: true, force: true });
    const r = await turboDist(clone, { env: env(), cacheDir });
    cold.push(record(r));
    log(`cold ${i}/${coldRuns}: ${r.seconds.toFixed(1)} s (${r.cached}/${r.total} turbo tasks cached)`);
  }
  if (cases.has("cold")) results.cold = { time: summarize(cold.map((r) => r.seconds)), runs: cold };

  if (cases.has("noop")) {
    const noop: BuildRunRecord[] = [];
    for (let i = 1; i <= runs; i++) {
      const r = await turboDist(clone, { env: env(), cacheDir });
      noop.push(record(r));
      const reran = r.executed.length ? `; re-ran ${r.executed.join(", ")}` : "";
      log(`noop ${i}/${runs}: ${r.seconds.toFixed(1)} s (${r.cached}/${r.total} turbo tasks cached${reran})`);
    }
    results.noop = { time: summarize(noop.map((r) => r.seconds)), runs: noop };
  }

  if (cases.has("etc")) {
    // The system's own lock: the root's, as the builds so far left it (the package sets are the same).
    await mkdir(join(clone, ETC_SYSTEM_DIR), { recursive: true });
    await copyFile(join(clone, "notos.lock.json"), join(clone, ETC_SYSTEM_DIR, "notos.lock.json"));
    // One build with the edit system in place first, so each measured run changes exactly one /etc entry.
    await writeFile(join(clone, ETC_CONFIG), etcEditConfig(0));
    await turboDist(clone, { env: env({ NOTOS_SYSTEM: ETC_CONFIG }), cacheDir });
    const etc: BuildRunRecord[] = [];
    for (let i = 1; i <= runs; i++) {
      await writeFile(join(clone, ETC_CONFIG), etcEditConfig(i));
      const r = await turboDist(clone, { env: env({ NOTOS_SYSTEM: ETC_CONFIG }), cacheDir });
      etc.push(record(r));
      const built = Object.entries(r.builders).filter(([, s]) => s === "built").map(([b]) => b);
      log(`etc ${i}/${runs}: ${r.seconds.toFixed(1)} s (built: ${built.join(", ") || "nothing"})`);
    }
    const unexpected = [...new Set(etc.flatMap((r) => Object.entries(r.builders).filter(([b, s]) => s === "built" && ETC_EDIT_MUST_NOT_BUILD.includes(b)).map(([b]) => b)))];
    const missing = ETC_EDIT_MUST_BUILD.filter((b) => etc.some((r) => r.builders[b] !== "built"));
    results.etc = { time: summarize(etc.map((r) => r.seconds)), runs: etc, unexpected, missing };
  }
  return results;
}
