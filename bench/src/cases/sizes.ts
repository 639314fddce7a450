// Sizes of the repository's system as `npm run dist` builds it: kernel,
// initrd with each compressor, root.squashfs, and the root's bytes per Debian
// package and per layer (sizes.json of the rootfs store entry). Checked
// against the committed budgets: sizes are deterministic, so a budget is a
// hard limit, unlike a timing.
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { buildInitrd, type Compression } from "@notos/initrd";
import { buildSystem } from "@notos/qemu";
import { benchDir, scratchDir } from "../repo.js";
import { bytes, parseBytes } from "../stats.js";
import { benchContext, withConfig } from "../system.js";

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

export interface SizesResult {
  kernel: number;
  initrd: number;
  initrdCompression: Compression;
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
    const ctx = await benchContext(dir);
    log("sizes: building the repository's system (repository store)");
    const system = await buildSystem(ctx, { definitions: ctx.definitions });
    const initrdBy = {} as Record<Compression, number>;
    for (const compression of COMPRESSORS) {
      const config = { ...ctx.config, boot: { ...ctx.config.boot, initrd: { ...ctx.config.boot.initrd, compression } } };
      const initrd = compression === ctx.config.boot.initrd.compression ? system.initrd : await buildInitrd(withConfig(ctx, config), { kernel: system.kernel });
      initrdBy[compression] = initrd.size;
    }
    const report = JSON.parse(await readFile(system.rootfs.sizeReport, "utf8")) as { files: number; origins: Origin[] };
    const byBytes = (a: Origin, b: Origin) => b.bytes - a.bytes || a.origin.localeCompare(b.origin);
    const measured = {
      kernel: (await stat(system.kernel.image)).size,
      initrd: system.initrd.size,
      initrdCompression: system.initrd.compression,
      initrdBy,
      rootfs: system.rootfs.size,
      rootfsCompression: system.rootfs.compression,
      rootfsFiles: report.files,
      packages: report.origins.filter((o) => o.kind === "package").sort(byBytes),
      layers: report.origins.filter((o) => o.kind !== "package").sort(byBytes),
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
