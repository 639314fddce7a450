// buildEtc: the compatibility path for callers from before the builder
// contract (rootfs, qemu, the task CLI, tests). It realises the `etc`
// builder alone, so the store key and the layer are the ones a whole-system
// build makes.
import { NotosError, optionSlice, realise, type BuildContext, type Definitions, type LayerArtifact, type PackageSetSpec, type PackageSource, type SystemConfig } from "@notos/core";
import { etc } from "./builder.js";
import type { EtcOptions } from "./options.js";

export interface BuildEtcOptions {
  /** `evalSystem`'s definitions, so errors name the modules that set an option. */
  definitions?: Definitions;
}

/** The part of the configuration the etc layer reads: what its build receives and its key hashes. */
export function etcConfigSlice(config: SystemConfig): EtcOptions {
  return optionSlice(config, etc.reads, etc.name) as EtcOptions;
}

/** The etc layer declares no Debian packages; a request for one is a bug here, not in the system. */
const refuse = (set: PackageSetSpec): Promise<never> =>
  Promise.reject(new NotosError(`The etc layer declares no Debian packages, yet its package set ${JSON.stringify(set.name)} was asked for.`, { code: "BUILDER_PACKAGES" }));
const noPackages: PackageSource = { locked: refuse, fetch: refuse };

/** Compatibility path: the etc layer of `ctx.config`, from the store when it is there. */
export async function buildEtc(ctx: BuildContext, options: BuildEtcOptions = {}): Promise<LayerArtifact> {
  return realise(etc, {
    config: ctx.config,
    store: ctx.store,
    reporter: ctx.reporter,
    packages: noPackages,
    ...(options.definitions ? { definitions: options.definitions } : {}),
  });
}
