export { base, basePackages } from "./base.js";
export { qemuGuest, qemuInitrdModules } from "./qemuGuest.js";
export { openssh, sshdConfig, type OpensshOptions } from "./openssh.js";
export { nginx, nginxConfig, defaultPageTask, TLS_DIR, type NginxOptions } from "./nginx.js";
export { autohalt, type AutohaltOptions } from "./autohalt.js";
export { pamCommonFiles } from "./pam.js";
