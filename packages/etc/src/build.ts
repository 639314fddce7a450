// buildEtc: the compatibility path for callers from before the builder
// contract (rootfs, qemu, the task CLI, tests). It realises the `etc`
// builder alone, so the store key and the layer are the ones a whole-system
// build makes.
import { NotosError, realise, type BuildContext, type LayerArtifact, type PackageSetSpec, type PackageSource } from "@notos/core";
import type { Definitions } from "@notos/core/graph";
import { etc } from "./builder.js";

export interface BuildEtcOptions {
  /** `evalSystem`'s definitions, so errors name the modules that set an option. */
  definitions?: Definitions;
}

/** The etc layer declares no Debian packages; a request for one is a bug here, not in the system. */
const refuse = (set: PackageSetSpec): Promise<never> =>
  Promise.reject(new NotosError(`The etc layer declares no Debian packages, yet its package set ${JSON.stringify(set.name)} was asked for.`, { code: "BUILDER_PACKAGES", hint: "This is a bug in @notos/etc: please report it." }));
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
