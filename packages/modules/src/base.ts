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
import { pamCommonFiles, pamModuleFiles } from "./pam.js";

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

/** A selection for a package that only maintainer scripts use: nothing of it stays. */
function maintainerHelper(what: string, dependents: string[]) {
  return mkDefault({ keep: [], reason: `${what}; only maintainer scripts use it, and notos runs none`, for: dependents });
}

/**
 * File selections for packages base pulls in (directly, or as what its
 * packages depend on): each keeps what the system uses and says why the
 * rest is not needed. keep/drop hold only while no other package depends
 * on the package; `unlinked` libraries stay while something links them.
 */
export const basePackageFiles = {
  iproute2: mkDefault({
    keep: ["/usr/bin/ip", "/usr/sbin/ip", "/usr/bin/ss", "/etc/iproute2/**"],
    reason: "the network is set up with ip, and ss shows sockets; tc, bridge, devlink, rdma, arpd and the rest manage kinds of networks a notos system does not have",
    // nginx's package depends on it for its maintainer scripts, which notos does not run.
    for: ["nginx"],
  }),
  "libdb5.3": mkDefault({
    unlinked: ["/usr/lib/*/libdb-5.3.so"],
    reason: "only arpd (iproute2) and pam_userdb.so (libpam-modules) link Berkeley DB, and the selections of both leave them out",
  }),
  passwd: mkDefault({
    keep: [],
    reason: "accounts come from `users` and `groups`, written to /etc/passwd, /etc/group and /etc/shadow at build time, and a notos system has no passwords to change: useradd, passwd, chpasswd and the rest are not needed; for them, rootfs: { keepWhole: [\"passwd\"] }",
    // They depend on it for their maintainer scripts, which notos does not run.
    for: ["adduser", "openssh-client", "sysuser-helper"],
  }),
  // The libraries passwd's programs linked (useradd: SELinux policy management).
  libsemanage2: mkDefault({ unlinked: ["/usr/lib/*/libsemanage.so.*"], reason: "useradd, usermod and userdel link it" }),
  libsepol2: mkDefault({ unlinked: ["/usr/lib/*/libsepol.so.*"], reason: "libsemanage links it" }),
  "libbz2-1.0": mkDefault({ unlinked: ["/usr/lib/*/libbz2.so.*"], reason: "libsemanage and dpkg link it" }),
  libuuid1: mkDefault({ unlinked: ["/usr/lib/*/libuuid.so.*"], reason: "mkswap and the other tools util-linux's selection leaves out link it" }),
  libc6: mkDefault({
    // Never libthread_db (gdb loads it), libmemusage, libpcprofile or libc_malloc_debug (preloaded by hand), or the stubs of libdl, libpthread and librt (dlopened by name).
    unlinked: ["/usr/lib/*/libmvec.so.*", "/usr/lib/*/libBrokenLocale.so.*", "/usr/lib/*/libnsl.so.*", "/usr/lib/*/libanl.so.*"],
    reason: "programs built with vector maths, the old NIS library and asynchronous name lookup link these; nothing in the system does",
  }),
  libncursesw6: mkDefault({ unlinked: ["/usr/lib/*/libformw.so.*", "/usr/lib/*/libmenuw.so.*", "/usr/lib/*/libpanelw.so.*"], reason: "curses programs with forms, menus or panels link these; top, watch and less do not" }),
  libtinfo6: mkDefault({ unlinked: ["/usr/lib/*/libtic.so.*"], reason: "terminfo compilers (tic, ncurses-bin) link it" }),
  libxtables12: mkDefault({ unlinked: ["/usr/lib/*/libxtables.so.*"], reason: "tc's iptables action links it, and iproute2's selection leaves tc out" }),
  "util-linux": mkDefault({
    drop: [
      ..."blkdiscard blkzone blockdev chcpu chmem ctrlaltdel fsck fsck.cramfs fsck.minix fsfreeze fstrim isosize ldattach mkfs mkfs.bfs mkfs.cramfs mkfs.minix mkswap readprofile rtcwake sulogin swaplabel wipefs zramctl".split(" ").map((p) => `/usr/sbin/${p}`),
      ..."addpart delpart lsmem partx resizepart wdctl".split(" ").map((p) => `/usr/bin/${p}`),
      "/usr/share/bash-completion/**",
      "/usr/lib/systemd/**",
    ],
    reason:
      "a notos root is a read-only image and its disks are made at build time: making, checking, partitioning and trimming file systems and swap, CPU and memory hotplug, RTC wake-ups, watchdogs and serial line disciplines are for hardware and disks the system does not manage, and single-user login (sulogin) for an init it does not run; for them, rootfs: { keepWhole: [\"util-linux\"] }",
  }),
  "util-linux-extra": mkDefault({
    drop: ["/usr/sbin/hwclock", "/etc/default/hwclock", "/etc/init.d/**", "/usr/lib/udev/**", "/usr/share/bash-completion/**"],
    reason: "the kernel reads the hardware clock at boot and the system never sets it (hwclock), and there is no udev or sysvinit to run its hooks",
    for: ["util-linux"],
  }),
  coreutils: mkDefault({
    drop: ["/usr/bin/chcon", "/usr/bin/runcon"],
    reason: "chcon and runcon set SELinux contexts, and a notos system loads no SELinux policy",
  }),
  libssl3: mkDefault({
    drop: ["/usr/lib/*/engines-3/**", "/usr/lib/*/ossl-modules/legacy.so"],
    reason: "OpenSSL loads its engines (afalg, padlock, loader_attic) and the legacy provider (MD4, RC4, single DES) only when a program or openssl.cnf asks for them by name; nginx, sshd, ssh-keygen and the certificate's openssl req do not",
    for: ["libfido2-1", "libkrb5-3", "nginx", "openssh-client", "openssh-server", "openssl"],
  }),
  // Debian's helpers for maintainer scripts, which notos does not run (it writes what they would make at build time).
  debconf: maintainerHelper("debconf asks the questions of maintainer scripts; it is a Perl program, which the root does not have", ["iproute2", "libpam-modules", "libpam-runtime", "libpam0g", "nginx-common", "openssh-server", "ucf"]),
  ucf: maintainerHelper("ucf merges configuration files when a package is upgraded", ["openssh-server"]),
  "sensible-utils": maintainerHelper("ucf's maintainer scripts pick an editor and a pager with it", ["ucf"]),
  "init-system-helpers": maintainerHelper("update-rc.d, invoke-rc.d, deb-systemd-helper and service hand services to sysvinit or systemd; runit's `sv` runs notos's services", ["openssh-server", "procps"]),
  "runit-helper": maintainerHelper("maintainer scripts enable runit services with it; notos writes its services into /etc/sv at build time", ["openssh-server", "runit"]),
  "sysuser-helper": maintainerHelper("runit's maintainer scripts make system users with it; notos writes /etc/passwd at build time", ["runit"]),
  dpkg: mkDefault({
    keep: [],
    reason: "packages are unpacked at build time: nothing at run time calls dpkg, and the image has no dpkg database (dash, grep and gzip pre-depend on it only to be installed by it)",
    for: ["dash", "grep", "gzip"],
  }),
};

/** libpam-modules' selection follows the system's PAM files (pamModuleFiles). */
const pamModules = defineModule(({ config }) => ({
  name: "base PAM modules",
  rootfs: {
    packageFiles: {
      // What depends on libpam-modules here loads modules by name from the PAM files.
      "libpam-modules": mkDefault({ ...pamModuleFiles(config.environment.etc), for: ["libpam-runtime", "openssh-server", "passwd"] }),
    },
  },
}));

export const base: ModuleDefinition = defineModule({
  name: "base",
  // The builders of every notos system: kernel and initrd for the boot, the etc and runit layers on a Debian root.
  // And the kernel hardening sysctls, each a default the system may override.
  imports: [kernelModule, initrdModule, etcModule, runitModule, rootfsModule, hardening, pamModules],
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
