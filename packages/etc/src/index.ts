// @notos/etc: the /etc layer of a notos system — the `etc` builder, the
// module that adds it with the options it owns, and the layer as data.
export { etc, etcModule } from "./builder.js";
export { etcLayer, type EtcLayerOptions } from "./layer.js";
export { buildEtc, type BuildEtcOptions } from "./build.js";
export {
  etcOptions,
  type EtcOptions,
  type EtcEntry,
  type User,
  type Users,
  type Group,
  type Groups,
  type NetworkInterface,
  type Networking,
} from "./options.js";
export { AUTHORIZED_KEYS_DIR } from "./users.js";
