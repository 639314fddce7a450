// @notos/cli: the `notos` command, and the whole-system build it runs —
// every builder of a system realised once, dist/ assembled from the files
// the builders name.
export { runCli, jsonSchema, USAGE, type CliIO } from "./commands.js";
export { buildSystem, assembleDist, distDirectory, systemPackages, type BuildSystemOptions, type BuiltSystem } from "./system.js";
export { explain, type Explanation } from "./why.js";
export { systemPackageSets, lockSets } from "./lock.js";
export { turboDependencies, packageOf } from "./turbo.js";
