export { etcLayer, type EtcLayerOptions } from "./layer.js";
export { buildEtc, etcConfigSlice, ETC_BUILDER_VERSION, type BuildEtcOptions } from "./build.js";
export { sshKeyProblem } from "./sshKeys.js";
export { etcPathProblem, type ReadSource } from "./files.js";
export { AUTHORIZED_KEYS_DIR } from "./users.js";
export type { Definitions } from "@notos/core";
