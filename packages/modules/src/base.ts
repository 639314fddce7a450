// base: what every notos system has. The standard builders (kernel, initrd,
// the etc and runit layers, the rootfs); the accounts and files Debian's
// maintainer scripts would have made (base-passwd, libpam-runtime,
// libpam-modules), a small userland, networking for QEMU's user network, and
// the kernel hardening sysctls.
import { mkDefault, type ModuleDefinition, defineModule } from "@notos/core";
import { etcModule } from "@notos/etc";
import { initrdModule } from "@notos/initrd";
import { kernelModule } from "@notos/kernel";
import { rootfsModule } from "@notos/rootfs";
import { runitModule } from "@notos/runit";
import { hardening } from "./hardening.js";
import { pamCommonFiles } from "./pam.js";

export const basePackages = [
  "dash", // /bin/sh, which every generated script uses
  "bash",
  "coreutils",
  "util-linux",
  "mount",
  "iproute2",
  "procps",
  "runit",
  "findutils",
  "grep",
  "sed",
  "gzip",
  "tar",
  "less",
  "hostname",
];

/**
 * File selections for packages base pulls in (directly, or as what its
 * packages depend on): each keeps what the system uses, says why the rest
 * is not needed, and holds only while no other package depends on it.
 */
export const basePackageFiles = {
  iproute2: mkDefault({
    keep: ["/usr/bin/ip", "/usr/sbin/ip", "/usr/bin/ss", "/etc/iproute2/**"],
    reason: "the network is set up with ip, and ss shows sockets; tc, bridge, devlink, rdma, arpd and the rest manage kinds of networks a notos system does not have",
    // nginx's package depends on it for its maintainer scripts, which notos does not run.
    for: ["nginx"],
  }),
  "libdb5.3": mkDefault({
    keep: [],
    reason: "only arpd (iproute2) and pam_userdb.so (libpam-modules) link Berkeley DB, and both are left out",
    for: ["iproute2", "libpam-modules"],
  }),
  "libpam-modules": mkDefault({
    drop: ["/usr/lib/*/security/pam_userdb.so"],
    reason: "no PAM configuration of the system names pam_userdb (passwords in a Berkeley DB file), the one module that needs libdb5.3",
    // What depends on libpam-modules here loads modules by name from the PAM configuration.
    for: ["libpam-runtime", "openssh-server", "passwd"],
  }),
  dpkg: mkDefault({
    keep: [],
    reason: "packages are unpacked at build time: nothing at run time calls dpkg, and the image has no dpkg database (dash, grep and gzip pre-depend on it only to be installed by it)",
    for: ["dash", "grep", "gzip"],
  }),
};

export const base: ModuleDefinition = defineModule({
  name: "base",
  // The builders of every notos system: kernel and initrd for the boot, the etc and runit layers on a Debian root.
  // And the kernel hardening sysctls, each a default the system may override.
  imports: [kernelModule, initrdModule, etcModule, runitModule, rootfsModule, hardening],
  environment: {
    packages: basePackages,
    etc: {
      ...pamCommonFiles,
      // libpam-modules' postinst creates it; pam_env reads it at every login.
      environment: { text: "" },
    },
  },
  users: {
    root: { uid: 0, group: "root", description: "root", home: "/root", createHome: true, shell: mkDefault("/bin/bash") },
    nobody: { uid: 65534, group: "nogroup", description: "nobody", home: "/nonexistent", shell: "/usr/sbin/nologin" },
  },
  // base-passwd's ids for the groups something in a minimal root uses:
  // tty owns ptys (devpts gid=5), shadow lets unix_chkpwd read /etc/shadow,
  // utmp owns the login records.
  groups: {
    root: { gid: 0 },
    tty: { gid: 5 },
    shadow: { gid: 42 },
    utmp: { gid: 43 },
    users: { gid: 100 },
    nogroup: { gid: 65534 },
  },
  // No setuid or setgid file unless a configured feature lists it with its
  // reason (rootfs.setuid): a root-only appliance needs none of Debian's set.
  // And of the packages base pulls in, only the files the system uses
  // (rootfs.packageFiles; rootfs.keepWhole keeps a package whole).
  rootfs: { setuid: mkDefault({}), packageFiles: basePackageFiles },
  // QEMU's user-mode network: the guest is 10.0.2.15, the host 10.0.2.2 and
  // its DNS forwarder 10.0.2.3. Any value of the user's replaces these.
  networking: {
    interfaces: mkDefault({ eth0: { address: "10.0.2.15/24", gateway: "10.0.2.2" } }),
    nameservers: mkDefault(["10.0.2.3"]),
  },
});
