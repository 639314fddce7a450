// @notos/runit/scripts: the generated scripts one at a time, and the paths
// and directories they use — for tests and tools that read or run a script
// outside a layer. A system gets them all through the `runit` builder.
export { stage1Script, STAGE1_TASKS_DIR, UDHCPC_SCRIPT } from "../stage1.js";
export { stage2Script, stage3Script } from "../stages.js";
export { stage2InitScript, RUNIT } from "../init.js";
export { DEFAULT_PATHS, PATH_VARIABLES, type RunitPaths } from "../paths.js";
export { SV_DIR, SERVICE_DIR, SUPERVISE_DIR } from "../services.js";
