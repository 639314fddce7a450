// The rootfs builder: fetch the "rootfs" package set, merge it onto a merged
// /usr with the skeleton and pack root.squashfs into a store entry keyed by
// everything the bytes depend on — the packages and the options, never a
// layer: the layers go to the initrd (layers.ts), so an /etc edit finds this
// image in the store.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { runProgram } from "@notos/core/process";
import { defineBuilder, type Artifact } from "@notos/core";
import type { TreeEntry } from "@notos/core/tree";
import { requireHostProgram } from "@notos/core/host";
import { COPYRIGHTS_FILE, CopyrightRecorder, mergedUsrPath, readDebControl, readDebDataInOrder } from "@notos/debian/deb";
import { assembleRoot, inMergeOrder, type PackageEntries } from "./assemble.js";
import { RootfsError } from "./errors.js";
import { rootManifest, sizeReport } from "./manifest.js";
import { rootfsOptions } from "./options.js";
import { writeSquashfs, type Compression } from "./squashfs.js";
import { tarSize } from "./tar.js";
import { pathFilter } from "./glob.js";
import { appendVerityTree, verityKernelParam, type VerityInfo } from "./verity.js";
import { COMMAND_LINE_PART_ROLE } from "@notos/initrd";
import { dependentsOf, planSelections } from "./select.js";
import { dropUnlinked } from "./unlinked.js";

/** Bump when the same inputs would give a different store entry (4: zstd at level 9 when no level is set; 5: level 14; 6: the packages' copyrights beside the image). */
export const BUILDER_VERSION = "6";

/**
 * The level when `rootfs.compressionLevel` is unset. zstd 14 is the level at
 * which the default 256K blocks (which boot faster: a read decodes a whole
 * block) pack the default root smaller than 1M blocks at level 9 did; the
 * sizes and packing times are in the README ("Block size"). gzip keeps the
 * tool's level; xz takes none.
 */
export const DEFAULT_COMPRESSION_LEVEL: Readonly<Partial<Record<Compression, number>>> = { zstd: 14 };

export const IMAGE_FILE = "root.squashfs";
export const MANIFEST_FILE = "manifest.json";
export const SIZES_FILE = "sizes.json";

export interface RootfsArtifact extends Artifact {
  builder: "rootfs";
  /** root.squashfs in the store entry. */
  image: string;
  /** manifest.json: every entry of the root with its origin. */
  manifest: string;
  /** sizes.json: bytes per package and layer, largest first. */
  sizeReport: string;
  /** Each package's copyright, recorded on the way through it (COPYRIGHTS_FILE of @notos/debian/deb), for the builders that describe packages. */
  copyrights: string;
  compression: Compression;
  /** `rootfs.compressionLevel`, when set (unset: the compressor's default). */
  compressionLevel?: number;
  /** Bytes of root.squashfs (with the hash tree, under `rootfs.verity`). */
  size: number;
  /** Under `rootfs.verity`: where the hash tree is and its root hash. */
  verity?: VerityInfo;
  /** Its kernel parameters (a command-line part): `notos.verity=…` under `rootfs.verity`, else none. */
  kernelParams: string[];
}

/** How the builder runs, not what it makes: none of it is part of the store key (the options it makes the image from are `RootfsConfig`). */
export interface RootfsRunOptions {
  /** Compressor threads (default: all CPUs); the image does not depend on it. */
  processors?: number;
  /** An argv prefix that runs mksquashfs as another user (see `SquashfsOptions.runAs`). */
  runAs?: readonly string[];
}

interface RootfsMeta {
  compression: Compression;
  compressionLevel?: number;
  size: number;
  epoch: number;
  verity?: VerityInfo;
}

/** mksquashfs's version line: part of the key, since another squashfs-tools may pack other bytes. */
async function mksquashfsVersion(): Promise<string> {
  requireHostProgram({ program: "mksquashfs", debianPackage: "squashfs-tools", neededBy: "packing root.squashfs" });
  try {
    const { stdout } = await runProgram("mksquashfs", ["-version"]);
    return stdout.toString("utf8").split("\n")[0]?.trim() ?? "unknown";
  } catch (error) {
    throw new RootfsError("mksquashfs is not available", { code: "ROOTFS_SQFSTAR", hint: "install squashfs-tools ≥ 4.5 (its mksquashfs reads a tar with -tar); `npm run setup` does", cause: error });
  }
}

/**
 * The rootfs builder with run-time knobs that do not change the image (how
 * many compressor threads, which user runs mksquashfs). `rootfs` is the default.
 */
export function rootfsBuilder(options: RootfsRunOptions = {}) {
  return defineBuilder({
    name: "rootfs",
    version: BUILDER_VERSION,
    description: "The system's Debian packages, merged onto a merged /usr with the skeleton and packed into root.squashfs (the layers go to the initrd: root-layers).",
    reads: ["rootfs", "environment.packages"],
    // Its kernel parameter (the root hash) goes on the command line, which signing covers.
    roles: [COMMAND_LINE_PART_ROLE],
    packages: (o) => [
      // Modules add packages in import order and may repeat one: the set is what matters, not the order.
      { name: "rootfs", roots: [...new Set(o.environment.packages)].sort(), dependencies: "all", recommends: o.rootfs.recommends },
    ],
    fingerprint: async () => ({ mksquashfs: await mksquashfsVersion() }),
    async build({ options: o, out, packages: fetch, reporter, sourceDateEpoch: epoch }): Promise<RootfsMeta> {
      if (o.environment.packages.length === 0) {
        throw new RootfsError("environment.packages is empty: the root would have no shell, no init and no libc", { code: "ROOTFS_NO_PACKAGES", hint: "add packages, e.g. environment: { packages: [\"bash\", \"coreutils\", \"runit\"] }" });
      }
      reporter.step("fetching packages", `${new Set(o.environment.packages).size} roots`);
      const packages = await fetch("rootfs");
      const compression = o.rootfs.compression;
      const compressionLevel = o.rootfs.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL[compression];
      const level = compressionLevel !== undefined ? { compressionLevel } : {};
      const controls = await Promise.all(packages.map(async (p) => ({ name: p.name, fields: (await readDebControl(p.file)).fields })));
      const plan = planSelections({
        selections: o.rootfs.packageFiles,
        keepWhole: o.rootfs.keepWhole,
        present: new Set(packages.map((p) => p.name)),
        dependents: dependentsOf(controls.map((c) => ({ name: c.name, depends: c.fields.Depends, preDepends: c.fields["Pre-Depends"] }))),
        include: o.rootfs.include,
      });
      const leftOut = new Map<string, { files: number; bytes: number }>();
      const filtered = pathFilter(o.rootfs);
      const copyrights = new CopyrightRecorder();
      // Through one decompressor, in the order assembleRoot merges them.
      const ordered = inMergeOrder(packages);
      const data = readDebDataInOrder(ordered.map((p) => p.file));
      const sources: PackageEntries[] = ordered.map((p, i) => {
        const select = plan.applied.get(p.name);
        if (!select) return { name: p.name, entries: copyrights.watch(p, data.packages[i]!) };
        const counted = { files: 0, bytes: 0 };
        leftOut.set(p.name, counted);
        async function* entries() {
          for await (const e of copyrights.watch(p, data.packages[i]!)) {
            // Counted when the selection, not the general filters (docs, locales), leaves it out.
            if (e.type !== "dir" && !select!(mergedUsrPath(e.path)) && filtered(mergedUsrPath(e.path))) countLeftOut(counted, e);
            yield e;
          }
        }
        return { name: p.name, entries: entries(), select };
      });
      reporter.step("merging the root", `${packages.length} packages, ${new Set([...plan.applied.keys(), ...plan.unlinked.keys()]).size} with a file selection`);
      const assembled = await assembleRoot({ rootfs: o.rootfs, packages: sources, layers: [], complete: false, reporter }).finally(() => data.close());
      const unlinked = dropUnlinked(assembled.entries, plan.unlinked);
      for (const e of unlinked.leftOut) {
        if (!leftOut.has(e.origin)) leftOut.set(e.origin, { files: 0, bytes: 0 });
        countLeftOut(leftOut.get(e.origin)!, e);
      }
      const root = { entries: unlinked.entries, tree: assembled.tree };
      const selections = [...leftOut].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, n]) => ({ package: name, reason: o.rootfs.packageFiles[name]!.reason, filesLeftOut: n.files, bytesLeftOut: n.bytes }));
      for (const s of selections) reporter.info(`${s.package}: ${s.filesLeftOut} files (${(s.bytesLeftOut / 1024).toFixed(0)} KiB) left out: ${s.reason}`);
      for (const w of plan.whole) reporter.info(`${w.name}: kept whole (${w.why})`);
      const named = `${compression}${compressionLevel !== undefined ? ` level ${compressionLevel}` : ""}`;
      reporter.step("writing root.squashfs", `${named}, ${root.entries.length} entries`);
      const tarBytes = tarSize(root.entries);
      const { size: squashfsSize } = await writeSquashfs(root.entries, join(out, IMAGE_FILE), {
        compression,
        ...level,
        blockSize: o.rootfs.blockSize,
        epoch,
        ...(options.runAs !== undefined ? { runAs: options.runAs } : {}),
        ...(options.processors !== undefined ? { processors: options.processors } : {}),
        onBytes: (done) => reporter.bytes("writing root.squashfs", done, Math.max(done, tarBytes)),
      });
      let size = squashfsSize;
      let verity: VerityInfo | undefined;
      if (o.rootfs.verity) {
        reporter.step("appending the dm-verity hash tree");
        verity = await appendVerityTree(join(out, IMAGE_FILE));
        size = (await fs.stat(join(out, IMAGE_FILE))).size;
        reporter.info(`dm-verity: ${verity.dataBlocks} data blocks, ${verity.hashBlocks} hash blocks, root hash ${verity.rootHash}`);
      }
      await fs.writeFile(join(out, MANIFEST_FILE), JSON.stringify(rootManifest(root.entries), null, 1) + "\n");
      const sizes = { ...sizeReport(root.entries, root.tree.origins, { compression, bytes: squashfsSize }), selections, keptWhole: plan.whole };
      await fs.writeFile(join(out, SIZES_FILE), JSON.stringify(sizes, null, 1) + "\n");
      await copyrights.write(out);
      reporter.info(`root.squashfs: ${(size / 1024 / 1024).toFixed(1)} MiB (${named}), ${root.entries.length} entries from ${packages.length} packages`);
      return { compression, ...level, size, epoch, ...(verity ? { verity } : {}) };
    },
    artifact: (entry): RootfsArtifact => ({
      builder: "rootfs",
      path: entry.path,
      digest: entry.digest,
      cached: entry.cached,
      image: join(entry.path, IMAGE_FILE),
      manifest: join(entry.path, MANIFEST_FILE),
      sizeReport: join(entry.path, SIZES_FILE),
      copyrights: join(entry.path, COPYRIGHTS_FILE),
      compression: entry.meta.compression,
      ...(entry.meta.compressionLevel !== undefined ? { compressionLevel: entry.meta.compressionLevel } : {}),
      size: entry.meta.size,
      ...(entry.meta.verity ? { verity: entry.meta.verity } : {}),
      kernelParams: entry.meta.verity ? [verityKernelParam(entry.meta.verity)] : [],
    }),
    dist: (a) => ({ [IMAGE_FILE]: a.image }),
  });
}

/** One more entry a selection left out, in a package's count. */
function countLeftOut(counted: { files: number; bytes: number }, entry: TreeEntry): void {
  counted.files++;
  counted.bytes += entry.type === "file" ? entry.content.byteLength : 0;
}

/** The rootfs builder: the packages of the system, without its layers. */
export const rootfs = rootfsBuilder();

/** Copy root.squashfs, manifest.json and sizes.json into `outDir`, each appearing whole (write, then rename). */
export async function writeRootfsOutputs(artifact: RootfsArtifact, outDir: string): Promise<{ image: string; manifest: string; sizeReport: string }> {
  await fs.mkdir(outDir, { recursive: true });
  const copy = async (from: string, name: string): Promise<string> => {
    const to = join(outDir, name);
    const tmp = join(outDir, `.${name}.tmp-${process.pid}`);
    try {
      await fs.copyFile(from, tmp);
      await fs.rename(tmp, to);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    return to;
  };
  return {
    image: await copy(artifact.image, IMAGE_FILE),
    manifest: await copy(artifact.manifest, MANIFEST_FILE),
    sizeReport: await copy(artifact.sizeReport, SIZES_FILE),
  };
}
