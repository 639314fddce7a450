// The initrd, in two builders. `initrd-base` packs stage 1's /init, busybox
// and the kernel's module subset as a deterministic, compressed newc archive
// (seconds of zstd -19, keyed only on what stage 1 is made of). `initrd`
// appends the system's initrd parts to it — every builder with the
// "initrd-part" role, found, not listed, such as the root's generated layers
// (@notos/rootfs) — as further newc archives; the kernel unpacks concatenated
// archives one after the other. An /etc edit thus re-packs a small archive
// and copies the base, instead of recompressing anything large. The kernel
// command line is the command-line builder's (command-line.ts): a kernel
// parameter is not part of the archive, so editing one must not rebuild it.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { NotosError, defineBuilder, defineCollection, defineModule, sourceDateEpoch, type Artifact, type BuildContext, type PackageSetSpec } from "@notos/core";
import { buildGraph, optionSlice, runGraph } from "@notos/core/graph";
import { debianModule, debianPackageSource } from "@notos/debian";
import { kernel, kernelModule, type KernelArtifact } from "@notos/kernel";
import { busyboxApplets, busyboxFromDeb, type Busybox } from "./busybox.js";
import { commandLine } from "./command-line.js";
import { verityStage1Module } from "./verity.js";
import { writeCompressed, type Compression } from "./compress.js";
import { cpioChunks, planCpio } from "./cpio.js";
import { initrdOptions } from "./options.js";
import { generateStage1 } from "./stage1.js";
import { programClosure, type InitrdProgram, type PackageFile } from "./programs.js";
import { initrdTree, readModuleFiles } from "./tree.js";
import { readDebData } from "@notos/debian/deb";

/** Bump when the base archive's content changes for the same inputs (3: the command line moved to its own builder; 4: /init quotes with core's shellQuote, safe words bare; 7: the builder is initrd-base, /init takes the root's layers from /root-layers; 8: one modprobe -a, the uptime at the start; 9: devpts, /dev/shm, /run and the /dev links made before switch_root; 10: busybox copied to the layers, the boot shell). */
export const INITRD_BUILDER_VERSION = "10";
/** Bump when the joined initrd changes for the same base and parts. */
export const INITRD_JOIN_VERSION = "1";
export const INITRD_FILE = "initrd";
/** The generated /init, kept next to the archive for reading. */
export const INIT_FILE = "init";

export interface InitrdArtifact extends Artifact {
  /** The compressed initrd (absolute path in the store entry). */
  file: string;
  /** The base archive's compression (appended parts say their own). */
  compression: Compression;
  /** Size of `file` in bytes. */
  size: number;
  /** Number of archive members (without the trailers), parts included. */
  entries: number;
}

/**
 * A newc archive to append to the initrd (compressed with any compressor
 * the kernel unpacks, or not at all): what a builder with the
 * "initrd-part" role gives.
 */
export interface InitrdPartArtifact extends Artifact {
  /** The archive (absolute path in the store entry). */
  archive: string;
  /** Number of archive members (without the trailer). */
  entries: number;
}

/** The role that makes a builder's archive part of the initrd. */
export const INITRD_PART_ROLE = "initrd-part";
/** Every builder of the system with the "initrd-part" role, in name order: appended to the base archive. */
export const initrdParts = defineCollection<InitrdPartArtifact>(INITRD_PART_ROLE);

interface InitrdMeta {
  compression: Compression;
  size: number;
  entries: number;
  appletSource: Busybox["appletSource"];
}

/** The package set stage 1's busybox comes from; its name and definition match existing notos.lock.json files. */
export function initrdPackageSet(busyboxPackage: string): PackageSetSpec {
  return { name: "initrd", roots: [busyboxPackage], dependencies: "none" };
}

/** The package set of `boot.initrd.programs`: their packages and the Depends closure, where their libraries are looked for. None without programs. */
export function initrdProgramsPackageSets(programs: readonly InitrdProgram[]): PackageSetSpec[] {
  if (programs.length === 0) return [];
  return [{ name: "initrd-programs", roots: [...new Set(programs.map((p) => p.package))].sort(), dependencies: "all" }];
}

/** The files and symlinks of fetched packages, for the programs' closure. */
async function packageFiles(debs: readonly { name: string; file: string }[]): Promise<PackageFile[]> {
  const files: PackageFile[] = [];
  for (const deb of debs) {
    for await (const e of readDebData(deb.file)) {
      if (e.type === "file") files.push({ package: deb.name, path: e.path, type: "file", content: e.content });
      else if (e.type === "symlink") files.push({ package: deb.name, path: e.path, type: "symlink", target: e.target });
    }
  }
  return files;
}

export const initrdBase = defineBuilder({
  name: "initrd-base",
  version: INITRD_BUILDER_VERSION,
  description: "The compressed cpio archive of stage 1: busybox, the kernel-module closure, the generated /init.",
  reads: [
    "boot.initrd.compression",
    "boot.initrd.busyboxPackage",
    "boot.initrd.rootDevice",
    "boot.initrd.rootFsType",
    "boot.initrd.rootWaitSeconds",
    "boot.initrd.emergencyShell",
    "boot.initrd.overlay",
    "boot.initrd.programs",
    "boot.initrd.verity",
    "boot.initrd.kernelModules",
    "boot.kernelModules",
    "boot.stage2Init",
  ],
  inputs: { kernel },
  packages: (options) => [initrdPackageSet(options.boot.initrd.busyboxPackage), ...initrdProgramsPackageSets(options.boot.initrd.programs)],
  async build({ options, inputs: { kernel }, out, packages, reporter, sourceDateEpoch }): Promise<InitrdMeta> {
    const { busyboxPackage, compression } = options.boot.initrd;
    reporter.step("fetching", busyboxPackage);
    const debs = await packages("initrd");
    const pkg = debs.find((p) => p.name === busyboxPackage) ?? debs[0];
    if (!pkg) throw new NotosError(`the initrd package set (${busyboxPackage}) resolved to no packages`, { code: "INITRD_PACKAGE" });
    reporter.step("building", `${compression}, kernel ${kernel.version}`);
    const init = generateStage1(options, kernel);
    const busybox = await busyboxFromDeb(pkg.file, pkg.name);
    const applets = await busyboxApplets(busybox.binary, reporter);
    const { programs: wanted } = options.boot.initrd;
    const programs = wanted.length ? programClosure({ programs: wanted, files: await packageFiles(await packages("initrd-programs")) }) : [];
    if (programs.length) reporter.info(`programs: ${wanted.map((p) => p.path).join(", ")} with ${programs.length - wanted.length} interpreter and library files (${programs.reduce((n, p) => n + p.content.byteLength, 0)} bytes)`);
    const entries = initrdTree({ init, busybox: { binary: busybox.binary, applets: applets.applets }, modules: await readModuleFiles(kernel), programs });
    const records = planCpio(entries, { mtime: sourceDateEpoch });
    const file = join(out, INITRD_FILE);
    await writeCompressed(cpioChunks(records), compression, file);
    await fs.writeFile(join(out, INIT_FILE), init);
    const size = (await fs.stat(file)).size;
    reporter.info(`${records.length} entries, ${size} bytes (${compression}), ${applets.applets.length} busybox applets (${applets.appletSource})`);
    return { compression, size, entries: records.length, appletSource: applets.appletSource };
  },
  artifact: initrdArtifact,
});

/** The artifact of either initrd builder: its file in the store entry, with what the build said of it. */
function initrdArtifact(entry: Artifact & { meta: Omit<InitrdMeta, "appletSource"> }): InitrdArtifact {
  return {
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    file: join(entry.path, INITRD_FILE),
    compression: entry.meta.compression,
    size: entry.meta.size,
    entries: entry.meta.entries,
  };
}

/** Zero bytes that bring `length` to a multiple of 4: the kernel reads an uncompressed archive only at such an offset, and skips zeros between archives. */
function padding(length: number): Uint8Array {
  return new Uint8Array((4 - (length % 4)) % 4);
}

export const initrd = defineBuilder({
  name: "initrd",
  version: INITRD_JOIN_VERSION,
  description: "dist/initrd: the base archive of stage 1, then every initrd part of the system (e.g. the root's generated layers), concatenated.",
  reads: [],
  inputs: { base: initrdBase, parts: initrdParts },
  async build({ inputs: { base, parts }, out, reporter }): Promise<Omit<InitrdMeta, "appletSource">> {
    const file = join(out, INITRD_FILE);
    const handle = await fs.open(file, "w");
    let size = 0;
    try {
      for (const source of [base.file, ...parts.map((p) => p.archive)]) {
        const bytes = await fs.readFile(source);
        const pad = padding(size);
        await handle.write(pad);
        await handle.write(bytes);
        size += pad.byteLength + bytes.byteLength;
      }
    } finally {
      await handle.close();
    }
    await fs.copyFile(join(base.path, INIT_FILE), join(out, INIT_FILE));
    const entries = base.entries + parts.reduce((n, p) => n + p.entries, 0);
    if (parts.length) reporter.info(`${base.size} bytes of stage 1, then ${parts.map((p) => `${p.builder} (${p.entries} entries)`).join(", ")}: ${size} bytes`);
    return { compression: base.compression, size, entries };
  },
  artifact: initrdArtifact,
  dist: (artifact) => ({ initrd: artifact.file }),
});

/**
 * Adds the initrd and command-line builders to a system with the options
 * they read; the kernel builder the initrd takes, and the debian options of
 * their package source, come through the imported modules.
 */
export const initrdModule = defineModule({ name: "@notos/initrd", imports: [kernelModule, debianModule, verityStage1Module], options: initrdOptions, builders: [initrd, initrdBase, commandLine] });

/** The part of the configuration the initrd depends on: exactly what the initrd builder reads. */
export function initrdConfigSlice(config: BuildContext["config"]): unknown {
  return optionSlice(config, initrdBase.reads, initrdBase.name);
}

/**
 * The compatibility path for callers from before the builder contract
 * (`buildSystem`, bench, the package CLI, tests): the initrd realised with
 * its kernel input, both from `ctx.config`. The graph, not the caller,
 * supplies the kernel now, so the one passed in is checked against it: an
 * initrd must never be keyed on one kernel while holding another's modules.
 */
export async function buildInitrd(ctx: BuildContext, inputs: { kernel: KernelArtifact }): Promise<InitrdArtifact> {
  const run = runGraph(buildGraph([initrd]), {
    config: ctx.config,
    definitions: new Map(),
    store: ctx.store,
    reporter: ctx.reporter,
    packages: debianPackageSource({ debian: ctx.config.debian, lockFile: ctx.lockFile, reporter: ctx.reporter }),
    sourceDateEpoch: sourceDateEpoch(),
  });
  const realisedKernel = await run.realise(kernel.name);
  if (realisedKernel.digest !== inputs.kernel.digest) {
    throw new NotosError(`buildInitrd was given a kernel (${inputs.kernel.digest.slice(0, 12)}) other than the one its configuration builds (${realisedKernel.digest.slice(0, 12)}).`, {
      code: "INITRD_KERNEL",
      hint: "build the kernel from the same configuration (buildKernel(ctx)), or realise the initrd builder, which takes its kernel from the graph.",
    });
  }
  const artifact = (await run.realise(initrd.name)) as InitrdArtifact;
  // The graph runner says nothing on a store hit; these callers' logs always did.
  if (artifact.cached) ctx.reporter.child(initrd.name).step("cached", `${artifact.size} bytes, ${artifact.compression}`);
  return artifact;
}
