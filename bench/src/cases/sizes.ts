// Sizes of the repository's system as `npm run dist` builds it: kernel,
// initrd with each compressor, root.squashfs, and the root's bytes per Debian
// package (sizes.json of the rootfs store entry) and per layer (sizes.json of
// root-layers, the archive the initrd carries). Checked
// against the committed budgets: sizes are deterministic, so a budget is a
// hard limit, unlike a timing.
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { buildSystem } from "@notos/cli";
import { mkForce } from "@notos/core";
import type { Compression, InitrdArtifact } from "@notos/initrd";
import type { KernelArtifact } from "@notos/kernel";
import type { RootLayersArtifact, RootfsArtifact } from "@notos/rootfs";
import { benchDir, scratchDir } from "../repo.js";
import { bytes, parseBytes } from "../stats.js";
import { artifactOf, benchReporter, benchSystem, importRepoSystem } from "../system.js";

export const COMPRESSORS: Compression[] = ["gzip", "zstd", "xz", "none"];

export interface Origin {
  origin: string;
  kind: string;
  bytes: number;
  files: number;
}

export interface BudgetCheck {
  name: string;
  size: number;
  budget: number;
  /** Bytes above the budget (> 0: exceeded). */
  over: number;
}

/** A file selection that held (rootfs.packageFiles): what it left out of the root, and why. */
export interface Selection {
  package: string;
  reason: string;
  filesLeftOut: number;
  bytesLeftOut: number;
}

export interface SizesResult {
  kernel: number;
  /** dist/initrd: the stage-1 archive with the root's layers appended. */
  initrd: number;
  /** The root's layers as the initrd carries them (gzip newc). */
  rootLayers?: number;
  /** File selections that held, largest first. */
  selections?: Selection[];
  initrdCompression: Compression;
  /** The stage-1 archive (initrd-base) with each compressor. */
  initrdBy: Record<Compression, number>;
  rootfs: number;
  rootfsCompression: string;
  /** Unpacked bytes of the root's files. */
  rootfsFiles: number;
  packages: Origin[];
  layers: Origin[];
  budgets: BudgetCheck[];
}

export async function measureSizes(log: (line: string) => void = () => {}): Promise<SizesResult> {
  const dir = await scratchDir("sizes");
  try {
    const repoSystem = await importRepoSystem();
    const system = benchSystem(dir, [repoSystem]);
    const reporter = benchReporter();
    log("sizes: building the repository's system (repository store)");
    const built = await buildSystem(system, { reporter });
    const kernel = artifactOf<KernelArtifact>(built, "kernel");
    const initrd = artifactOf<InitrdArtifact>(built, "initrd");
    const initrdBase = artifactOf<InitrdArtifact>(built, "initrd-base");
    const rootfs = artifactOf<RootfsArtifact>(built, "rootfs");
    const rootLayers = artifactOf<RootLayersArtifact>(built, "root-layers");
    const initrdBy = {} as Record<Compression, number>;
    for (const compression of COMPRESSORS) {
      if (compression === initrd.compression) {
        initrdBy[compression] = initrdBase.size;
        continue;
      }
      // Forced, so the variant differs from the system in the compressor
      // alone even where the configuration sets one.
      const variant = benchSystem(dir, [repoSystem, { boot: { initrd: { compression: mkForce(compression) } } }]);
      initrdBy[compression] = artifactOf<InitrdArtifact>(await buildSystem(variant, { reporter, only: ["initrd-base"] }), "initrd-base").size;
    }
    const report = JSON.parse(await readFile(rootfs.sizeReport, "utf8")) as { files: number; origins: Origin[]; selections?: Selection[] };
    const layerReport = JSON.parse(await readFile(rootLayers.sizeReport, "utf8")) as { origins: Origin[] };
    const byBytes = (a: Origin, b: Origin) => b.bytes - a.bytes || a.origin.localeCompare(b.origin);
    const measured = {
      kernel: (await stat(kernel.image)).size,
      initrd: initrd.size,
      initrdCompression: initrd.compression,
      initrdBy,
      rootfs: rootfs.size,
      rootfsCompression: rootfs.compression,
      rootfsFiles: report.files,
      packages: report.origins.filter((o) => o.kind === "package").sort(byBytes),
      layers: [...layerReport.origins, ...report.origins.filter((o) => o.kind !== "package")].sort(byBytes),
      rootLayers: rootLayers.size,
      selections: report.selections ?? [],
    };
    return { ...measured, budgets: checkBudgets(measured, await readBudgets()) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** bench/budgets.json: artifact name → largest allowed size ("20 MiB"). */
export async function readBudgets(file = join(benchDir, "budgets.json")): Promise<Record<string, number>> {
  const raw = JSON.parse(await readFile(file, "utf8")) as Record<string, string | number>;
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith("$")).map(([k, v]) => [k, parseBytes(v)]));
}

export function checkBudgets(sizes: Omit<SizesResult, "budgets">, budgets: Record<string, number>): BudgetCheck[] {
  const actual: Record<string, number> = {
    kernel: sizes.kernel,
    initrd: sizes.initrd,
    "root.squashfs": sizes.rootfs,
    ...Object.fromEntries(Object.entries(sizes.initrdBy).map(([c, n]) => [`initrd.${c}`, n])),
  };
  return Object.entries(budgets).map(([name, budget]) => {
    const size = actual[name];
    if (size === undefined) throw new Error(`budgets.json names ${name}, which the bench does not measure (known: ${Object.keys(actual).join(", ")})`);
    return { name, size, budget, over: size - budget };
  });
}

/** "root.squashfs: 20.82 MiB is 0.82 MiB (4.1%) over its budget of 20.00 MiB". */
export function describeOverrun(c: BudgetCheck): string {
  return `${c.name}: ${bytes(c.size)} is ${bytes(c.over)} (${((100 * c.over) / c.budget).toFixed(1)}%) over its budget of ${bytes(c.budget)}`;
}
