// buildRunit: the runit layer as a store entry (the package's only side effects).
import { storeKey, storeLayer, type BuildContext, type LayerArtifact, type SystemConfig } from "@notos/core";
import type { Definitions } from "@notos/core";
import { runitLayer } from "./layer.js";

/** Bump when the layer changes for the same configuration. */
export const RUNIT_BUILDER_VERSION = "2";

export interface BuildRunitOptions {
  /** `evalSystem`'s definitions, so errors name the modules that set an option. */
  definitions?: Definitions;
}

/** The part of the configuration the runit layer reads. */
export function runitConfigSlice(config: SystemConfig) {
  return {
    services: config.services,
    runit: config.runit,
    networking: { hostname: config.networking.hostname, interfaces: config.networking.interfaces, nameservers: config.networking.nameservers },
    sysctl: config.boot.kernel.sysctl,
    stage2Init: config.boot.stage2Init,
    // Names resolve to ids in the scripts, and validation checks they exist.
    users: Object.fromEntries(Object.entries(config.users).map(([name, u]) => [name, u.uid])),
    groups: Object.fromEntries(Object.entries(config.groups).map(([name, g]) => [name, g.gid])),
  };
}

export async function buildRunit(ctx: BuildContext, options: BuildRunitOptions = {}): Promise<LayerArtifact> {
  const { config } = ctx;
  const key = storeKey({ builder: "runit", version: RUNIT_BUILDER_VERSION, config: runitConfigSlice(config) });
  // Validate before touching the store, so a bad configuration fails even when an old entry exists.
  const layer = runitLayer(config, options.definitions ? { definitions: options.definitions } : {});
  ctx.reporter.step("runit layer", `${layer.entries.length} entries`);
  return storeLayer(ctx.store, layer, key);
}
