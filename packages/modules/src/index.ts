export { base, basePackages } from "./base.js";
export { qemuGuest, qemuInitrdModules } from "./qemuGuest.js";
export { openssh, sshdConfig, type OpensshOptions } from "./openssh.js";
export { nginx, nginxConfig, defaultPageTask, TLS_DIR, type NginxOptions } from "./nginx.js";
export { autohalt, type AutohaltOptions } from "./autohalt.js";
export { pamCommonFiles } from "./pam.js";
// The standard builders' modules: importing @notos/modules brings their option types too.
export { etcModule } from "@notos/etc";
export { initrdModule } from "@notos/initrd";
export { kernelModule } from "@notos/kernel";
export { rootfsModule } from "@notos/rootfs";
export { runitModule } from "@notos/runit";
export { runvmModule } from "@notos/qemu";
