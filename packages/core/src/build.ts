// What every builder takes and returns. A builder is an async function
// `buildX(ctx, inputs)`; its inputs are other builders' artifacts (typed),
// never file paths guessed from outside.
import type { SystemConfig } from "./schema.js";
import type { Store } from "./store.js";
import type { Reporter } from "./progress.js";

export interface BuildContext {
  /** The evaluated system configuration. */
  config: SystemConfig;
  /** The content-addressed artifact store (early cutoff). */
  store: Store;
  /** Path of notos.lock.json (next to the configuration file). */
  lockFile: string;
  /** Progress events and log lines. */
  reporter: Reporter;
}

/** The common part of every artifact a builder returns. */
export interface Artifact {
  /** Builder name, e.g. "kernel". */
  builder: string;
  /** The store entry directory holding the artifact's files. */
  path: string;
  /** Digest of the artifact's content; downstream builders key on it. */
  digest: string;
  /** True when the store already had it and no work was done. */
  cached: boolean;
}

/** A layer builder's artifact (etc, runit): the store entry holds `layer.json` (see `readLayer`). */
export interface LayerArtifact extends Artifact {
  layerName: string;
}
