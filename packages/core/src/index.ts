export * from "./schema.js";
export * from "./tree.js";
export * from "./build.js";
export * from "./store.js";
export * from "./progress.js";
export * from "./layer.js";
export * from "./errors.js";
export * from "./path.js";
export {
  mkDefault,
  mkForce,
  mkOverride,
  isOverride,
  priorities,
  defineModule,
  defineSystem,
  type Override,
  type DeepOverridable,
  type Module,
  type ModuleDefinition,
  type ModuleOptions,
  type ModuleArguments,
} from "./module.js";
export { mergeDefinitions, type Definition, type MergeResult } from "./merge.js";
export { evalSystem, collectModules, type EvaluatedSystem, type EvalOptions, type CollectedModule } from "./eval.js";
export { loadSystem, systemOf, findConfigFile, findRepoRoot, CONFIG_FILE, LOCK_FILE, type LoadOptions, type LoadedSystem, type SystemOfOptions } from "./load.js";
export { writeRoots, readRoots, rootsDir, collectGarbage, type RootsFile } from "./roots.js";
export { writeFileAtomic, replaceDirectory } from "./atomic.js";
export { listOptions, type OptionDoc } from "./options.js";
export { modulePath } from "./zod-walk.js";
export * from "./entries.js";
export * from "./issues.js";
export { composeSchema, type NotosOptions, type DeclaredConfig, type DeclaredInput, type OptionDeclarations, type FoundDeclaration } from "./declare.js";
export {
  defineBuilder,
  defineLayer,
  layers,
  isBuilder,
  type Builder,
  type BuilderSpec,
  type LayerSpec,
  type BuildArgs,
  type Collection,
  type InputSpec,
  type InputArtifacts,
  type OptionSlice,
  type PackageSetSpec,
  type PackageSource,
  type LockedDeb,
  type FetchedDeb,
  type RealisedEntry,
} from "./builder.js";
export { buildGraph, runGraph, builderKeyInputs, realise, sourceDateEpoch, optionSlice, distFiles, type BuildGraph, type GraphRun, type RunContext, type RealiseOptions, type Realisation } from "./graph.js";
