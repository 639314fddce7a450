// @notos/cli/lock: the Debian package sets a system's builders declare, and
// the source `notos` fetches them from — for tools that need a system's
// packages without building it.
export { systemPackageSets } from "../lock.js";
export { systemPackages } from "../system.js";
