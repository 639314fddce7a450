export { runitLayer, type RunitLayerOptions } from "./layer.js";
export { runit, runitModule, RUNIT_BUILDER_VERSION } from "./builder.js";
export {
  RUNIT_READS,
  runitOptions,
  serviceSchema,
  servicesSchema,
  runitSchema,
  sysctlSchema,
  type RunitOptions,
  type Service,
  type Services,
  type RunitSettings,
  type Sysctl,
} from "./options.js";
export { buildRunit, runitConfigSlice, type BuildRunitOptions } from "./build.js";
export { stage1Script, STAGE1_TASKS_DIR, UDHCPC_SCRIPT } from "./stage1.js";
export { stage2Script, stage3Script } from "./stages.js";
export { stage2InitScript, RUNIT } from "./init.js";
export { DEFAULT_PATHS, PATH_VARIABLES, type RunitPaths } from "./paths.js";
export { SV_DIR, SERVICE_DIR, SUPERVISE_DIR } from "./services.js";
export type { Definitions } from "@notos/core";
// etc's options that the layer reads, as etc types them. Naming @notos/etc
// here also keeps it in the published declarations, so a program that loads
// only runit's types still gets etc's options into its `SystemConfig`.
export type { Users, Groups, Networking, NetworkInterface } from "@notos/etc";
