// @notos/core: define systems and builders. The plumbing under them lives on
// subpaths: ./store, ./tree, ./progress, ./fs, ./graph, ./text, ./host, ./process.

// Systems: modules, options, evaluation.
export { defineSystem, defineModule, mkDefault, mkForce, mkOverride } from "./module.js";
export type { Module, ModuleDefinition, ModuleOptions, ModuleArguments } from "./module.js";
export type { NotosOptions } from "./declare.js";
export { systemSchema, type SystemConfig, type SystemOptions } from "./schema.js";
export { evalSystem, type EvaluatedSystem } from "./eval.js";
export { loadSystem, systemOf, type LoadedSystem } from "./load.js";
export { listOptions, type OptionDoc } from "./options.js";
export { modulePath } from "./zod-walk.js";

// Builders: the contract, and one builder's artifact outside a whole-system build.
export { defineBuilder, defineLayer, defineCollection, defineSlot, layers, everyBuilder } from "./builder.js";
export type { Builder, BuilderRecord, Collection, Slot, BuilderSpec, LayerSpec, BuildArgs, OptionSlice, PackageSetSpec, PackageSource, LockedDeb, FetchedDeb } from "./builder.js";
export { realise, sourceDateEpoch, type RealiseOptions } from "./graph.js";
export type { Artifact, LayerArtifact, BuildContext } from "./build.js";
export type { Layer, TreeEntry } from "./tree.js";
export { createReporter, silentReporter, type Reporter } from "./progress.js";

// Errors: one shape, with a code and a hint.
export { NotosError, ConfigError, formatError, type NotosErrorOptions, type ConfigIssue } from "./errors.js";
