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
} from "./module.js";
export { mergeDefinitions, type Definition, type MergeResult } from "./merge.js";
export { evalSystem, collectModules, type EvaluatedSystem, type EvalOptions, type CollectedModule } from "./eval.js";
export { loadSystem, findConfigFile, findRepoRoot, CONFIG_FILE, LOCK_FILE, type LoadOptions, type LoadedSystem } from "./load.js";
export { runTask, systemArgument, type TaskContext } from "./task.js";
export { writeRoots, readRoots, rootsDir, collectGarbage, type RootsFile } from "./roots.js";
export { writeFileAtomic, replaceDirectory } from "./atomic.js";
export { listOptions, type OptionDoc } from "./options.js";
export { runCli, type CliIO } from "./commands.js";
export * from "./entries.js";
export * from "./issues.js";
