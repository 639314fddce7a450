// The peer: what a user would build instead of notos, timed side by side
// with notos's cold build in the same run. The peer is `mmdebstrap` of the
// same service set (the roots of the system's rootfs package set; variant
// essential, merged /usr, no recommends, documentation, man pages and
// locales left out but the copyright files, the same mirror and suites the
// project reads from the host's apt sources) plus `mksquashfs -comp xz`.
// Both keep their downloads warm: notos its Debian download cache, the peer
// an apt archive directory synchronised in and out of the chroot (as
// mmdebstrap's manual shows), so the figures compare building, not the
// network. notos's cold build is given with and without compiling the
// TypeScript packages (a user of the published packages never compiles
// them): `turbo run dist` from an empty turbo cache and store, then
// `turbo run dist --only --force` (the dist task alone, the packages compiled)
// from another empty store; and per builder, from what the dist task says
// of each.
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { NotosError } from "@notos/core";
import { systemPackageSets } from "@notos/cli/lock";
import { suiteSources, type SuiteSource } from "@notos/debian/archive";
import { cleanBuildEnv, cloneRepo, scratchDir } from "../repo.js";
import { summarize, type Summary } from "../stats.js";
import { benchSystem, importRepoSystem } from "../system.js";
import { turboDist } from "../turbo.js";

export interface PeerRun {
  /** notos: `turbo run dist` with an empty turbo cache and an empty store: it compiles the packages dist needs, then builds. */
  withCompile: number;
  /** notos: `turbo run dist --only` with another empty store: the packages compiled already, as a user of the published ones has them. */
  withoutCompile: number;
  /** Seconds each builder said it took in the second dist ("rootfs: built in 12.3s"). */
  builders: Record<string, number>;
  /** The peer: mmdebstrap, then mksquashfs. */
  mmdebstrap: number;
  mksquashfs: number;
  peerBytes: number;
}

export interface PeerResult {
  runs: PeerRun[];
  /** The roots given to mmdebstrap --include. */
  packages: string[];
  notosWithCompile: Summary;
  notosWithoutCompile: Summary;
  peer: Summary;
  /** notos ÷ peer, each run against its own peer run. */
  ratioWithCompile: Summary;
  ratioWithoutCompile: Summary;
  /** Per builder, over the runs. */
  builders: Record<string, Summary>;
  peerBytes: number;
}

/** What the peer leaves out, as dpkg path filters (mmdebstrap's manual's own example, without man pages). */
export const PEER_DPKG_FILTERS = [
  "path-exclude=/usr/share/man/*",
  "path-exclude=/usr/share/locale/*",
  "path-include=/usr/share/locale/locale.alias",
  "path-exclude=/usr/share/doc/*",
  "path-include=/usr/share/doc/*/copyright",
  "path-exclude=/usr/share/info/*",
];

export interface MmdebstrapPlan {
  packages: readonly string[];
  sources: readonly SuiteSource[];
  target: string;
  /** A directory on the host the apt archives are kept in between runs. */
  aptCache: string;
}

/** mmdebstrap's arguments for the peer root: the suite is the first source's, every source is a mirror line. */
export function mmdebstrapArgs(plan: MmdebstrapPlan): string[] {
  const first = plan.sources[0];
  if (!first) throw new NotosError("the peer needs at least one Debian suite", { hint: "the configuration's debian.suites is empty" });
  return [
    "--variant=essential",
    "--quiet",
    `--include=${plan.packages.join(",")}`,
    "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
    ...PEER_DPKG_FILTERS.map((f) => `--dpkgopt=${f}`),
    // The downloads stay warm, as notos's download cache does in the cold build.
    "--skip=download/empty",
    "--skip=essential/unlink",
    `--setup-hook=mkdir -p "$1"/var/cache/apt/archives/`,
    `--setup-hook=sync-in ${plan.aptCache} /var/cache/apt/archives/`,
    `--customize-hook=sync-out /var/cache/apt/archives ${plan.aptCache}`,
    // The archives leave the image: mmdebstrap would have emptied them.
    `--customize-hook=rm -f "$1"/var/cache/apt/archives/*.deb`,
    first.suite,
    plan.target,
    ...plan.sources.map((s) => `deb ${s.uri} ${s.suite} ${s.components.join(" ")}`),
  ];
}

/** Seconds per builder from a dist task's log ("@notos/systems:dist: rootfs: built in 12.3s"), for the dist tasks that ran, not those turbo replayed. */
export function builderSeconds(log: string): Record<string, number> {
  // A task that ran: a cache miss, or bypassed with --force.
  const executed = log.split("\n").flatMap((line) => /^(\S+:\S+): cache (miss|bypass)/.exec(line)?.[1] ?? []);
  const out: Record<string, number> = {};
  for (const line of log.split("\n")) {
    const m = /^(\S+:dist): ([\w-]+): built in ([\d.]+)s\s*$/.exec(line);
    if (m && executed.includes(m[1]!)) out[m[2]!] = (out[m[2]!] ?? 0) + Number(m[3]);
  }
  return out;
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await f();
  return [(performance.now() - started) / 1000, value];
}

export async function runPeerCase(runs: number, options: { keep?: boolean; log: (line: string) => void }): Promise<PeerResult> {
  const { log } = options;
  const work = await scratchDir("peer");
  try {
    const system = benchSystem(work, [await importRepoSystem()]);
    const rootSet = systemPackageSets(system).find((s) => s.name === "rootfs");
    if (!rootSet) throw new NotosError('the repository\'s system declares no "rootfs" package set', { hint: "the peer builds the root's packages; the system needs the rootfs builder" });
    const debian = (system.config as { debian?: Parameters<typeof suiteSources>[0] }).debian;
    if (!debian) throw new NotosError("the repository's system has no `debian` options", { hint: "the peer reads the suites and the mirror from them" });
    const sources = await suiteSources(debian);
    const packages = [...rootSet.roots].sort();
    const clone = await cloneRepo(join(work, "notos"));
    const aptCache = join(work, "apt-archives");
    await mkdir(aptCache);
    const tmp = join(work, "tmp");
    await mkdir(tmp);
    log(`peer: mmdebstrap of ${packages.length} packages (${packages.join(" ")}) from ${sources.map((s) => `${s.uri} ${s.suite}`).join(", ")}`);

    // One peer run first, not timed, fills its download cache, as the cold case's download cache is warm.
    const peerOnce = async (i: number) => {
      const target = join(work, `peer-root-${i}`);
      const image = join(work, `peer-${i}.squashfs`);
      const [mmdebstrap] = await timed(() => execa("mmdebstrap", mmdebstrapArgs({ packages, sources, target, aptCache }), { stdin: "ignore", all: true }));
      const [mksquashfs] = await timed(() => execa("mksquashfs", [target, image, "-comp", "xz", "-noappend", "-quiet", "-no-progress"], { stdin: "ignore" }));
      const peerBytes = (await stat(image)).size;
      await rm(target, { recursive: true, force: true });
      await rm(image, { force: true });
      return { mmdebstrap, mksquashfs, peerBytes };
    };
    log("peer: warming the apt archives (not timed)");
    await peerOnce(0);

    const all: PeerRun[] = [];
    for (let i = 1; i <= runs; i++) {
      // A fresh turbo cache, so the packages compile; the clone's compiled dist/ directories stay for the second build.
      const cacheDir = join(work, `turbo-${i}`);
      const env = (store: string) => cleanBuildEnv({ NOTOS_STORE: join(work, store), TMPDIR: tmp });
      // `notos dist` leaves the build's store entries in .notos/carry for turbo's cache, and a
      // build takes them from there: each build here starts without them, as from an empty store.
      const carry = join(clone, ".notos", "carry");
      await rm(carry, { recursive: true, force: true });
      const [withCompile] = await timed(() => turboDist(clone, { cacheDir, env: env(`store-${i}a`) }));
      await rm(carry, { recursive: true, force: true });
      const [withoutCompile, { log: distLog }] = await timed(() => turboDist(clone, { cacheDir, env: env(`store-${i}b`), only: true }));
      const peer = await peerOnce(i);
      const run: PeerRun = { withCompile, withoutCompile, builders: builderSeconds(distLog), ...peer };
      all.push(run);
      const total = peer.mmdebstrap + peer.mksquashfs;
      log(
        `peer ${i}/${runs}: notos ${withCompile.toFixed(1)} s compiling, ${withoutCompile.toFixed(1)} s compiled; ` +
          `peer ${total.toFixed(1)} s (mmdebstrap ${peer.mmdebstrap.toFixed(1)} s + mksquashfs ${peer.mksquashfs.toFixed(1)} s): ` +
          `${(withCompile / total).toFixed(2)}×, ${(withoutCompile / total).toFixed(2)}× without compiling`,
      );
      if (!options.keep) for (const store of [`store-${i}a`, `store-${i}b`, `turbo-${i}`]) await rm(join(work, store), { recursive: true, force: true });
    }
    return summarizePeer(all, packages);
  } finally {
    if (!options.keep) await rm(work, { recursive: true, force: true });
  }
}

export function summarizePeer(runs: PeerRun[], packages: string[]): PeerResult {
  const peer = (r: PeerRun) => r.mmdebstrap + r.mksquashfs;
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.builders)))].sort();
  return {
    runs,
    packages,
    notosWithCompile: summarize(runs.map((r) => r.withCompile)),
    notosWithoutCompile: summarize(runs.map((r) => r.withoutCompile)),
    peer: summarize(runs.map(peer)),
    ratioWithCompile: summarize(runs.map((r) => r.withCompile / peer(r))),
    ratioWithoutCompile: summarize(runs.map((r) => r.withoutCompile / peer(r))),
    builders: Object.fromEntries(names.map((n) => [n, summarize(runs.map((r) => r.builders[n] ?? 0))])),
    peerBytes: runs[runs.length - 1]?.peerBytes ?? 0,
  };
}

/** The report's section: notos against the peer, and where notos's cold build spends its time. */
export function peerMarkdown(p: PeerResult): string {
  const s = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s`;
  const range = (x: Summary) => `${s(x.median)} (${s(x.min)}–${s(x.max)})`;
  const ratio = (x: Summary) => `${x.median.toFixed(2)}× (${x.min.toFixed(2)}–${x.max.toFixed(2)})`;
  return [
    "## Cold build against the peer",
    "",
    `The peer: \`mmdebstrap --variant=essential\` of the same ${p.packages.length} packages (merged /usr, no recommends, no docs, man pages or locales) plus \`mksquashfs -comp xz\` (${(p.peerBytes / 1024 / 1024).toFixed(2)} MiB); both with warm downloads. Median (min–max) of ${p.runs.length} run(s), each notos build against the peer run beside it.`,
    "",
    "| build | time | × peer |",
    "| --- | ---: | ---: |",
    `| notos, compiling the TypeScript packages (\`turbo run dist\`, empty turbo cache and store) | ${range(p.notosWithCompile)} | ${ratio(p.ratioWithCompile)} |`,
    `| notos, packages already compiled (\`turbo run dist --only --force\`, empty store) | ${range(p.notosWithoutCompile)} | ${ratio(p.ratioWithoutCompile)} |`,
    `| peer: mmdebstrap + mksquashfs | ${range(p.peer)} | 1 |`,
    "",
    "Where notos's cold dist spends its time (each builder's own time, as the dist task printed it; builders without a common input run at once, so these add up to more than the wall time):",
    "",
    "| builder | median |",
    "| --- | ---: |",
    ...Object.entries(p.builders)
      .sort(([, a], [, b]) => b.median - a.median)
      .map(([name, x]) => `| ${name} | ${s(x.median)} |`),
    "",
  ].join("\n");
}
