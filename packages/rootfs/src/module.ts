// The rootfs module adds the two builders of the root — `rootfs`, the
// package image (root.squashfs), and `root-layers`, every layer of the
// system packed for the initrd — with the options they read and the
// `debian` options of their package source. `buildRootfs` realises both
// outside a whole-system build (tests, scripts).
import { defineLayer, defineModule, realise, type BuildContext, type LayerArtifact } from "@notos/core";
import { readLayer } from "@notos/core/tree";
import { debianModule, debianPackageSource } from "@notos/debian";
import { rootfs, rootfsBuilder, type RootfsArtifact, type RootfsRunOptions } from "./build.js";
import { rootLayers, type RootLayersArtifact } from "./layers.js";
import { rootfsOptions } from "./options.js";

/** Under `rootfs.verity`, stage 1 opens the root through dm-verity (@notos/initrd's `boot.initrd.verity`). */
export const rootfsVerityModule = defineModule(({ config }) => (config.rootfs.verity ? { name: "@notos/rootfs verity", boot: { initrd: { verity: true } } } : { name: "@notos/rootfs verity" }));

export const rootfsModule = defineModule({ name: "@notos/rootfs", imports: [debianModule, rootfsVerityModule], options: rootfsOptions, builders: [rootfs, rootLayers] });

export interface RootfsInputs {
  /** Layers on top of the packages, in order (later ones override earlier ones). */
  layers: readonly LayerArtifact[];
}

/** The package image and the given layers packed for the initrd. */
export interface BuiltRoot {
  rootfs: RootfsArtifact;
  layers: RootLayersArtifact;
}

/**
 * The compatibility path: the root over the given layers, outside a
 * whole-system build (tests, scripts). With run-time options, the rootfs
 * builder runs with them (`rootfsBuilder(options)`).
 */
export async function buildRootfs(ctx: BuildContext, inputs: RootfsInputs, options: RootfsRunOptions = {}): Promise<BuiltRoot> {
  const fixedLayers = inputs.layers.map((layer) =>
    // The given layer's digest is its whole input: a changed layer is a new key.
    defineLayer({ name: layer.layerName, version: "given", reads: [], fingerprint: async () => ({ layer: layer.digest }), build: () => readLayer(layer.path) }),
  );
  const common = {
    config: ctx.config,
    store: ctx.store,
    reporter: ctx.reporter,
    packages: debianPackageSource({ debian: ctx.config.debian, lockFile: ctx.lockFile, reporter: ctx.reporter }),
  };
  const image = Object.keys(options).length ? rootfsBuilder(options) : rootfs;
  const built = await realise(image, common);
  // root-layers takes the default rootfs builder: a run-time knob changes no byte, so both have one key.
  const layers = await realise(rootLayers, { ...common, extra: fixedLayers });
  return { rootfs: built, layers };
}
