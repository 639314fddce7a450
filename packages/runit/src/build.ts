// buildRunit: the compatibility path for callers from before the builder
// contract (rootfs, qemu, the task CLI, tests). It realises the `runit`
// builder alone, so the store key and the layer are the ones a whole-system
// build makes.
import { NotosError, realise, type BuildContext, type LayerArtifact, type PackageSetSpec, type PackageSource } from "@notos/core";
import type { Definitions } from "@notos/core/graph";
import { runit } from "./builder.js";

export interface BuildRunitOptions {
  /** `evalSystem`'s definitions, so errors name the modules that set an option. */
  definitions?: Definitions;
}

/** The runit layer declares no Debian packages; a request for one is a bug here, not in the system. */
const refuse = (set: PackageSetSpec): Promise<never> =>
  Promise.reject(new NotosError(`The runit layer declares no Debian packages, yet its package set ${JSON.stringify(set.name)} was asked for.`, { code: "BUILDER_PACKAGES", hint: "This is a bug in @notos/runit: please report it." }));
const noPackages: PackageSource = { locked: refuse, fetch: refuse };

/** Compatibility path: the runit layer of `ctx.config`, from the store when it is there. */
export async function buildRunit(ctx: BuildContext, options: BuildRunitOptions = {}): Promise<LayerArtifact> {
  return realise(runit, {
    config: ctx.config,
    store: ctx.store,
    reporter: ctx.reporter,
    packages: noPackages,
    ...(options.definitions ? { definitions: options.definitions } : {}),
  });
}
