// @notos/core/host: the host programs a package runs, checked before it runs
// them, with errors that name the Debian package to install.
export { findHostProgram, requireHostProgram, type HostProgram } from "../host.js";
