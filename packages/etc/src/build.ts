// buildEtc: the etc layer as a store entry. The only side effects of this
// package live here: reading `source` files and writing the store.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { storeKey, storeLayer, type BuildContext, type LayerArtifact, type SystemConfig } from "@notos/core";
import type { Definitions } from "@notos/core";
import { etcLayer } from "./layer.js";

/** Bump when the layer changes for the same configuration. */
export const ETC_BUILDER_VERSION = "1";

export interface BuildEtcOptions {
  /** `evalSystem`'s definitions, so errors name the modules that set an option. */
  definitions?: Definitions;
}

/** The part of the configuration the etc layer reads. */
export function etcConfigSlice(config: SystemConfig) {
  return {
    system: config.system,
    users: config.users,
    groups: config.groups,
    networking: config.networking,
    environment: { etc: config.environment.etc, variables: config.environment.variables },
  };
}

/** Read every enabled `source` file once: its bytes feed the layer, its hash the store key. */
async function readSources(config: SystemConfig): Promise<Map<string, Uint8Array>> {
  const sources = new Map<string, Uint8Array>();
  for (const entry of Object.values(config.environment.etc)) {
    if (!entry.enable || entry.source === undefined || sources.has(entry.source)) continue;
    try {
      sources.set(entry.source, await fs.readFile(entry.source));
    } catch {
      // etcLayer reports the unreadable file against its option.
    }
  }
  return sources;
}

export async function buildEtc(ctx: BuildContext, options: BuildEtcOptions = {}): Promise<LayerArtifact> {
  const { config } = ctx;
  const sources = await readSources(config);
  const sourceHashes = Object.fromEntries(
    [...sources].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, bytes]) => [path, createHash("sha256").update(bytes).digest("hex")]),
  );
  const key = storeKey({ builder: "etc", version: ETC_BUILDER_VERSION, config: { ...etcConfigSlice(config), sourceHashes } });
  const readSource = (path: string): Uint8Array => {
    const bytes = sources.get(path);
    if (!bytes) throw Object.assign(new Error(`cannot read ${path}`), { code: "ENOENT" });
    return bytes;
  };
  // Validate before touching the store, so a bad configuration fails even when an old entry exists.
  const layer = etcLayer(config, { readSource, ...(options.definitions ? { definitions: options.definitions } : {}) });
  ctx.reporter.step("etc layer", `${layer.entries.length} entries`);
  return storeLayer(ctx.store, layer, key);
}
