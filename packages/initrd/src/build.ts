// buildInitrd: stage 1's /init, busybox and the kernel's module subset as a
// deterministic, compressed newc archive in the store.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { NotosError, storeKey, type Artifact, type BuildContext } from "@notos/core";
import { fetchPackages, systemPackageSets } from "@notos/debian";
import type { KernelArtifact } from "@notos/kernel";
import { busyboxApplets, busyboxFromDeb, type Busybox } from "./busybox.js";
import { writeCompressed, type Compression } from "./compress.js";
import { cpioChunks, defaultMtime, planCpio } from "./cpio.js";
import { generateStage1 } from "./stage1.js";
import { initrdTree, readModuleFiles } from "./tree.js";

/** Bump when the initrd's content changes for the same inputs. */
export const INITRD_BUILDER_VERSION = "1";
export const INITRD_FILE = "initrd";
/** The generated /init, kept next to the archive for reading. */
export const INIT_FILE = "init";

export interface InitrdArtifact extends Artifact {
  /** The compressed initrd (absolute path in the store entry). */
  file: string;
  compression: Compression;
  /** Size of `file` in bytes. */
  size: number;
  /** Number of archive members (without the trailer). */
  entries: number;
}

interface InitrdMeta {
  compression: Compression;
  size: number;
  entries: number;
  appletSource: Busybox["appletSource"];
}

/** The part of the configuration the initrd depends on. */
export function initrdConfigSlice(config: BuildContext["config"]): unknown {
  return { initrd: config.boot.initrd, kernelModules: config.boot.kernelModules, stage2Init: config.boot.stage2Init };
}

export async function buildInitrd(ctx: BuildContext, inputs: { kernel: KernelArtifact }): Promise<InitrdArtifact> {
  const { kernel } = inputs;
  const reporter = ctx.reporter.child("initrd");
  const set = systemPackageSets(ctx.config).find((s) => s.name === "initrd");
  if (!set) throw new NotosError("@notos/debian defines no \"initrd\" package set");
  reporter.step("fetching", set.roots.join(" "));
  const packages = await fetchPackages({ ...ctx, reporter }, set);
  const pkg = packages.find((p) => p.name === ctx.config.boot.initrd.busyboxPackage) ?? packages[0];
  if (!pkg) throw new NotosError(`the initrd package set (${set.roots.join(" ")}) resolved to no packages`);
  const compression = ctx.config.boot.initrd.compression;
  const mtime = defaultMtime();
  const key = storeKey({
    builder: "initrd",
    version: INITRD_BUILDER_VERSION,
    config: { ...(initrdConfigSlice(ctx.config) as object), mtime },
    inputs: { kernel: kernel.digest, busybox: pkg.sha256 },
  });
  const entry = await ctx.store.realise<InitrdMeta>("initrd", key, async (dir) => {
    reporter.step("building", `${compression}, kernel ${kernel.version}`);
    const init = generateStage1(ctx.config, kernel);
    const busybox = await busyboxFromDeb(pkg.file, pkg.name);
    const applets = await busyboxApplets(busybox.binary, reporter);
    const entries = initrdTree({ init, busybox: { binary: busybox.binary, applets: applets.applets }, modules: await readModuleFiles(kernel) });
    const records = planCpio(entries, { mtime });
    const file = join(dir, INITRD_FILE);
    await writeCompressed(cpioChunks(records), compression, file);
    await fs.writeFile(join(dir, INIT_FILE), init);
    const size = (await fs.stat(file)).size;
    reporter.info(`${records.length} entries, ${size} bytes (${compression}), ${applets.applets.length} busybox applets (${applets.appletSource})`);
    return { compression, size, entries: records.length, appletSource: applets.appletSource };
  });
  if (entry.cached) reporter.step("cached", `${entry.meta.size} bytes, ${entry.meta.compression}`);
  return {
    builder: "initrd",
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    file: join(entry.path, INITRD_FILE),
    compression: entry.meta.compression,
    size: entry.meta.size,
    entries: entry.meta.entries,
  };
}
