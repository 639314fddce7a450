// @notos/cli: the `notos` command, and the whole-system build it runs —
// every builder of a system realised once, dist/ assembled from the files
// the builders name. A system's package sets and turbo's task list are
// subpaths (@notos/cli/lock, @notos/cli/turbo).
export { runCli, type CliIO } from "./commands.js";
export { buildSystem, assembleDist, distDirectory, type BuildSystemOptions, type BuiltSystem } from "./system.js";
