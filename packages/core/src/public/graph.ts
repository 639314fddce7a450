// @notos/core/graph: the machinery under `notos` — module evaluation, schema
// composition, the builder graph and its runs — for tools built on notos.
export { buildGraph, runGraph, builderKeyInputs, optionSlice, distFiles, type BuildGraph, type GraphRun, type RunContext, type Realisation } from "../graph.js";
export { isBuilder, isCollection, isSlot, type Collection, type Slot, type InputSpec, type InputArtifacts, type RealisedEntry } from "../builder.js";
export { composeSchema, type OptionDeclarations, type FoundDeclaration, type DeclaredConfig, type DeclaredInput } from "../declare.js";
export { mergeDefinitions, type Definition, type MergeResult } from "../merge.js";
export { collectModules, type EvalOptions, type CollectedModule } from "../eval.js";
export { findConfigFile, findRepoRoot, importModuleFile, CONFIG_FILE, LOCK_FILE, type LoadOptions, type SystemOfOptions } from "../load.js";
export { IssueCollector, type Definitions } from "../issues.js";
export { formatPath, type PathSegment } from "../path.js";
export { isOverride, priorities, type Override, type DeepOverridable } from "../module.js";
