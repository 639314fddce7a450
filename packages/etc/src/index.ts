export { etcLayer, type EtcLayerOptions } from "./layer.js";
export { etc, etcModule, ETC_BUILDER_VERSION } from "./builder.js";
export {
  ETC_READS,
  etcOptions,
  etcEntrySchema,
  etcFilesSchema,
  variablesSchema,
  userSchema,
  usersSchema,
  groupSchema,
  groupsSchema,
  interfaceSchema,
  networkingSchema,
  type EtcOptions,
  type EtcEntry,
  type User,
  type Users,
  type Group,
  type Groups,
  type NetworkInterface,
  type Networking,
} from "./options.js";
export { buildEtc, etcConfigSlice, type BuildEtcOptions } from "./build.js";
export { sshKeyProblem } from "./sshKeys.js";
export { etcPathProblem, type ReadSource } from "./files.js";
export { AUTHORIZED_KEYS_DIR } from "./users.js";
export type { Definitions } from "@notos/core";
