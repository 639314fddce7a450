// The kernel builder: the kernel image and the module subset a system needs,
// from the Debian linux-image package. The package is read as a stream; every
// module's .modinfo goes into the index, only the needed .ko files stay. The
// graph runner keys the entry on the three options read here and the locked
// "kernel" package set, so an edit anywhere else in the configuration leaves
// the kernel cached.
import { promises as fs } from "node:fs";
import { dirname, join } from "node:path";
import { NotosError, defineBuilder, defineModule, realise, type Artifact, type BuildContext, type FetchedDeb, type PackageSetSpec } from "@notos/core";
import type { Reporter } from "@notos/core/progress";
import { debianModule, debianPackageSource } from "@notos/debian";
import { COPYRIGHTS_FILE, CopyrightRecorder, readDebData } from "@notos/debian/deb";
import { modulesClosure, type ModuleIndex } from "./closure.js";
import { modulesAlias, modulesDep, modulesSoftdep } from "./depmod.js";
import { moduleInfo, normaliseModuleName, type ModuleInfo } from "./modinfo.js";
import { kernelOptions } from "./options.js";

/** Bump when the store entry's layout or content changes for the same inputs. */
export const KERNEL_BUILDER_VERSION = "3";
export const INDEX_FILE = "modules-index.json";

export interface KernelArtifact extends Artifact {
  /** The kernel release (`uname -r`), e.g. "6.1.0-56-cloud-amd64". */
  version: string;
  /** The bzImage (absolute path in the store entry). */
  image: string;
  /** The kernel's build configuration. */
  config: string;
  systemMap: string;
  /** `lib/modules/<version>` in the store entry: the needed modules, modules.dep, modules.alias, modules.softdep. */
  modulesDir: string;
  /** The included modules, in load order. */
  modules: ModuleInfo[];
  /** Every module of the kernel (no files needed to compute other closures). */
  index: ModuleIndex;
  /** The image package's copyright, recorded on the way through it (COPYRIGHTS_FILE of @notos/debian/deb), for the builders that describe packages. */
  copyrights: string;
}

interface KernelMeta {
  version: string;
  package: string;
  /** Included module names, in load order. */
  modules: string[];
}

/** The options that choose the modules: the whole configuration or the kernel builder's slice of it. */
export interface WantedModulesOptions {
  boot: { kernelModules: readonly string[]; initrd: { kernelModules: readonly string[] } };
}

/** The module names a configuration asks for: stage 1's first, then those loaded after the root is mounted. */
export function wantedModules(config: WantedModulesOptions): string[] {
  return [...config.boot.initrd.kernelModules, ...config.boot.kernelModules];
}

/** The package set the kernel comes from; its name and definition match existing notos.lock.json files. */
export function kernelPackageSet(kernelPackage: string): PackageSetSpec {
  // The option may name a metapackage: follow it to the real linux-image-* package, nothing else.
  return { name: "kernel", roots: [kernelPackage], dependencies: { only: "^linux-image-" } };
}

export const kernel = defineBuilder({
  name: "kernel",
  version: KERNEL_BUILDER_VERSION,
  description: "The kernel image and the module subset the system loads, from a Debian linux-image package.",
  reads: ["boot.kernel.package", "boot.kernelModules", "boot.initrd.kernelModules"],
  packages: (options) => [kernelPackageSet(options.boot.kernel.package)],
  async build({ options, out, packages, reporter }): Promise<KernelMeta> {
    reporter.step("fetching", options.boot.kernel.package);
    const image = imagePackage(await packages("kernel"), options.boot.kernel.package);
    return extractKernel(out, image, wantedModules(options), reporter);
  },
  async artifact(entry): Promise<KernelArtifact> {
    // The index is a file rather than metadata: it is large, and only readers of modules need it.
    const index = JSON.parse(await fs.readFile(join(entry.path, INDEX_FILE), "utf8")) as ModuleIndex;
    const byName = new Map(index.modules.map((m) => [m.name, m]));
    return {
      builder: entry.builder,
      path: entry.path,
      digest: entry.digest,
      cached: entry.cached,
      version: entry.meta.version,
      image: join(entry.path, "bzImage"),
      config: join(entry.path, "config"),
      systemMap: join(entry.path, "System.map"),
      modulesDir: join(entry.path, "lib/modules", entry.meta.version),
      modules: entry.meta.modules.map((n) => byName.get(n)!),
      index,
      copyrights: join(entry.path, COPYRIGHTS_FILE),
    };
  },
  dist: (artifact) => ({ kernel: artifact.image }),
});

/** Adds the kernel builder to a system, with the options it reads and the `debian` options of its package source. */
export const kernelModule = defineModule({ name: "@notos/kernel", imports: [debianModule], options: kernelOptions, builders: [kernel] });

/**
 * The compatibility path for callers from before the builder contract
 * (`buildSystem`, bench, the package CLIs, tests): the kernel builder
 * realised on its own, with the Debian archive as its package source.
 */
export async function buildKernel(ctx: BuildContext): Promise<KernelArtifact> {
  const artifact = await realise(kernel, {
    config: ctx.config,
    store: ctx.store,
    reporter: ctx.reporter,
    packages: debianPackageSource({ debian: ctx.config.debian, lockFile: ctx.lockFile, reporter: ctx.reporter }),
  });
  // The graph runner says nothing on a store hit; these callers' logs always did.
  if (artifact.cached) ctx.reporter.child(kernel.name).step("cached", `${artifact.version}, ${artifact.modules.length} modules`);
  return artifact;
}

/** The package that ships the image: the metapackage (if any) is followed to one linux-image-<version> package. */
function imagePackage(packages: readonly FetchedDeb[], requested: string): FetchedDeb {
  const images = packages.filter((p) => /^linux-image-\d/.test(p.name));
  if (images.length !== 1) {
    throw new NotosError(`boot.kernel.package ${requested} resolved to ${images.length === 0 ? "no" : images.length} linux-image-<version> packages (${packages.map((p) => p.name).join(", ")})`, {
      hint: "name a Debian kernel package such as linux-image-cloud-amd64 or linux-image-6.1.0-27-cloud-amd64",
    });
  }
  return images[0]!;
}

const MODULES_PATH = /^(?:\/usr)?\/lib\/modules\/([^/]+)\/(.+)$/;

/** Stream the .deb into `dir`: bzImage, config, System.map, lib/modules/<version>/ (needed modules only), the index. */
async function extractKernel(dir: string, pkg: FetchedDeb, wanted: string[], reporter: Reporter): Promise<KernelMeta> {
  reporter.step("extracting", `${pkg.name} ${pkg.version}`);
  // Module bytes wait in memory (~100 MB for Debian's kernel) until the index is complete and the closure is known.
  const files = new Map<string, Uint8Array>();
  const modules: ModuleInfo[] = [];
  const builtin: string[] = [];
  const versions = new Set<string>();
  const boot: Partial<Record<"vmlinuz" | "config" | "System.map", string>> = {};
  const copyrights = new CopyrightRecorder();
  for await (const entry of copyrights.watch(pkg, readDebData(pkg.file))) {
    const bootFile = /^\/boot\/(vmlinuz|config|System\.map)-(.+)$/.exec(entry.path);
    if (bootFile && entry.type === "file") {
      const kind = bootFile[1] as "vmlinuz" | "config" | "System.map";
      boot[kind] = bootFile[2]!;
      await fs.writeFile(join(dir, kind === "vmlinuz" ? "bzImage" : kind), entry.content!);
      continue;
    }
    const m = MODULES_PATH.exec(entry.path);
    if (!m || entry.type !== "file") continue;
    const [, version, rel] = m as unknown as [string, string, string];
    versions.add(version);
    if (rel.endsWith(".ko")) {
      modules.push(moduleInfo(entry.content!, rel));
      files.set(rel, entry.content!);
    } else if (/\.ko\.(xz|zst|gz)$/.test(rel)) {
      throw new NotosError(`${pkg.name} ships compressed kernel modules (${rel}), which @notos/kernel cannot read yet`, { hint: "use a kernel package with uncompressed modules (Debian bookworm's)" });
    } else if (rel === "modules.builtin") {
      const text = new TextDecoder().decode(entry.content);
      for (const line of text.split("\n").filter(Boolean)) builtin.push(normaliseModuleName(line.slice(line.lastIndexOf("/") + 1).replace(/\.ko$/, "")));
      await fs.mkdir(join(dir, "lib/modules", version), { recursive: true });
      await fs.writeFile(join(dir, "lib/modules", version, rel), entry.content!);
    }
  }
  const version = boot.vmlinuz;
  if (!version || !boot.config || !boot["System.map"]) {
    throw new NotosError(`${pkg.name} has no /boot/vmlinuz-*, config-* and System.map-* (found: ${Object.keys(boot).join(", ") || "none"})`, {
      hint: "boot.kernel.package must name a Debian linux-image package",
    });
  }
  if (versions.size !== 1 || !versions.has(version)) {
    throw new NotosError(`${pkg.name}: the image is ${version} but the modules are for ${[...versions].join(", ") || "nothing"}`);
  }

  const index: ModuleIndex = {
    version,
    modules: modules.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    builtin: [...new Set(builtin)].sort(),
  };
  const included = modulesClosure(index, wanted);
  const modulesDir = join(dir, "lib/modules", version);
  await fs.mkdir(modulesDir, { recursive: true });
  for (const module of included) {
    await fs.mkdir(dirname(join(modulesDir, module.file)), { recursive: true });
    await fs.writeFile(join(modulesDir, module.file), files.get(module.file)!);
  }
  files.clear();
  await fs.writeFile(join(modulesDir, "modules.dep"), modulesDep(index, included));
  await fs.writeFile(join(modulesDir, "modules.alias"), modulesAlias(included));
  await fs.writeFile(join(modulesDir, "modules.softdep"), modulesSoftdep(included));
  await fs.writeFile(join(dir, INDEX_FILE), JSON.stringify(index) + "\n");
  await copyrights.write(dir);
  reporter.info(`${version}: ${index.modules.length} modules indexed, ${included.length} included (${included.map((m) => m.name).join(" ") || "none"})`);
  return { version, package: pkg.name, modules: included.map((m) => m.name) };
}
