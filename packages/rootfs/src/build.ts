// buildRootfs: fetch the "rootfs" package set, merge it with the layers and
// pack root.squashfs into a store entry keyed by everything the bytes depend on.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { readLayer, storeKey, type Artifact, type BuildContext, type LayerArtifact } from "@notos/core";
import { fetchPackages, systemPackageSets } from "@notos/debian";
import { assembleRoot, debSources } from "./assemble.js";
import { RootfsError } from "./errors.js";
import { rootManifest, sizeReport } from "./manifest.js";
import { writeSquashfs, type Compression } from "./squashfs.js";

/** Bump when the same inputs would give a different image. */
export const BUILDER_VERSION = "1";

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
  compression: Compression;
  /** Bytes of root.squashfs. */
  size: number;
}

export interface RootfsInputs {
  /** Layers on top of the packages, in order (later ones override earlier ones). */
  layers: readonly LayerArtifact[];
}

export interface RootfsOptions {
  /** Compressor threads (default: all CPUs); the image does not depend on it. */
  processors?: number;
  /** An argv prefix that runs sqfstar as another user (see `SquashfsOptions.runAs`). */
  runAs?: readonly string[];
}

interface RootfsMeta {
  compression: Compression;
  size: number;
  epoch: number;
}

/** SOURCE_DATE_EPOCH when set (whole seconds), else 0. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === "") return 0;
  if (!/^\d+$/.test(raw) || Number(raw) > 0xffffffff) {
    throw new RootfsError(`SOURCE_DATE_EPOCH=${raw} is not a whole number of seconds that fits squashfs' 32-bit times`, { hint: "unset it, or set it to e.g. $(git log -1 --format=%ct)" });
  }
  return Number(raw);
}

async function sqfstarVersion(): Promise<string> {
  try {
    const { stdout } = await execa("sqfstar", ["-version"]);
    return stdout.split("\n")[0]?.trim() ?? "unknown";
  } catch (error) {
    throw new RootfsError("sqfstar is not available", { hint: "install squashfs-tools ≥ 4.5 (it provides sqfstar); `npm run setup` does", cause: error });
  }
}

export async function buildRootfs(ctx: BuildContext, inputs: RootfsInputs, options: RootfsOptions = {}): Promise<RootfsArtifact> {
  const { config, reporter } = ctx;
  const set = systemPackageSets(config).find((s) => s.name === "rootfs");
  if (!set) throw new RootfsError("@notos/debian defines no \"rootfs\" package set");
  if (set.roots.length === 0) {
    throw new RootfsError("environment.packages is empty: the root would have no shell, no init and no libc", { hint: "add packages, e.g. environment: { packages: [\"bash\", \"coreutils\", \"runit\"] }" });
  }
  reporter.step("fetching packages", `${set.roots.length} roots`);
  const packages = await fetchPackages(ctx, set);
  const epoch = sourceDateEpoch();
  const compression = config.rootfs.compression;
  const keyInputs: Record<string, string> = { epoch: String(epoch), sqfstar: await sqfstarVersion() };
  for (const p of packages) keyInputs[`deb:${p.name}`] = p.sha256;
  inputs.layers.forEach((layer, i) => (keyInputs[`layer:${i}:${layer.layerName}`] = layer.digest));
  const key = storeKey({
    builder: "rootfs",
    version: BUILDER_VERSION,
    config: { rootfs: config.rootfs, packages: config.environment.packages },
    inputs: keyInputs,
  });

  const entry = await ctx.store.realise<RootfsMeta>("rootfs", key, async (dir) => {
    const layers = await Promise.all(inputs.layers.map((artifact) => readLayer(artifact.path)));
    reporter.step("merging the root", `${packages.length} packages, ${layers.length} layers`);
    const root = await assembleRoot({ rootfs: config.rootfs, packages: debSources(packages), layers, reporter });
    reporter.step("writing root.squashfs", `${compression}, ${root.entries.length} entries`);
    const image = join(dir, IMAGE_FILE);
    const { size } = await writeSquashfs(root.entries, image, {
      compression,
      epoch,
      ...(options.runAs !== undefined ? { runAs: options.runAs } : {}),
      ...(options.processors !== undefined ? { processors: options.processors } : {}),
      onBytes: (done) => reporter.bytes("writing root.squashfs", done),
    });
    await fs.writeFile(join(dir, MANIFEST_FILE), JSON.stringify(rootManifest(root.entries), null, 1) + "\n");
    const sizes = sizeReport(root.entries, root.tree.origins, { compression, bytes: size });
    await fs.writeFile(join(dir, SIZES_FILE), JSON.stringify(sizes, null, 1) + "\n");
    reporter.info(`root.squashfs: ${(size / 1024 / 1024).toFixed(1)} MiB (${compression}), ${root.entries.length} entries from ${packages.length} packages`);
    return { compression, size, epoch };
  });

  return {
    builder: "rootfs",
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    image: join(entry.path, IMAGE_FILE),
    manifest: join(entry.path, MANIFEST_FILE),
    sizeReport: join(entry.path, SIZES_FILE),
    compression: entry.meta.compression,
    size: entry.meta.size,
  };
}

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
