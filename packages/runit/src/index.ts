// @notos/runit: runit's stages, the services, poweroff/reboot/halt and the
// stage-2 init of a notos system — the `runit` builder, the module that adds
// it with the options it owns, and the layer as data. The scripts one at a
// time are in @notos/runit/scripts.
export { runit, runitModule } from "./builder.js";
export { BUSYBOX } from "./shell.js";
export { runitLayer, type RunitLayerOptions } from "./layer.js";
export { buildRunit, type BuildRunitOptions } from "./build.js";
export { runitOptions, type RunitOptions, type Service, type Services, type RunitSettings, type Sysctl } from "./options.js";
// The types of etc's options that the layer reads. Naming @notos/etc here
// keeps it in the published declarations (a bare import would be dropped),
// so a program that loads only runit's types still gets etc's options into
// its `SystemConfig`.
export type { Users, Groups, Networking, NetworkInterface } from "@notos/etc";
