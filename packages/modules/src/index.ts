// @notos/modules: the standard modules a notos.config.ts imports.
export { base } from "./base.js";
export { qemuGuest, qemuKernelParams } from "./qemuGuest.js";
export { openssh, sshdAlgorithms, sshdHostKeyScript, sshdPam, type OpensshOptions } from "./openssh.js";
export { defaultPage, nginx, nginxSecurityHeaders, nginxTls, tlsCertificateScript, TLS_DIR, type NginxOptions } from "./nginx.js";
export { hardening, hardeningSysctl } from "./hardening.js";
export { autohalt, type AutohaltOptions } from "./autohalt.js";
// The standard builders' modules: importing @notos/modules brings their option types too.
export { etcModule } from "@notos/etc";
export { initrdModule } from "@notos/initrd";
export { kernelModule } from "@notos/kernel";
export { rootfsModule } from "@notos/rootfs";
export { runitModule } from "@notos/runit";
export { runvmModule } from "@notos/qemu";
