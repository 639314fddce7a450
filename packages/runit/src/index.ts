export { runitLayer, type RunitLayerOptions } from "./layer.js";
export { buildRunit, runitConfigSlice, RUNIT_BUILDER_VERSION, type BuildRunitOptions } from "./build.js";
export { stage1Script, STAGE1_TASKS_DIR, UDHCPC_SCRIPT } from "./stage1.js";
export { stage2Script, stage3Script } from "./stages.js";
export { stage2InitScript, RUNIT } from "./init.js";
export { DEFAULT_PATHS, PATH_VARIABLES, type RunitPaths } from "./paths.js";
export { SV_DIR, SERVICE_DIR, SUPERVISE_DIR } from "./services.js";
export type { Definitions } from "@notos/core";
