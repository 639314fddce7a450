// What notos needs from the host machine, in one place: scripts/setup.mjs
// installs `hostTools` through apt-get, and the host-tools test in tests/
// fails when a builder, test or script runs a program or reads a host path
// that neither list below accounts for — so a brand-new machine passes
// `npm test` with nothing installed by hand.

/** Host commands (or files) the project needs, and the Debian package that ships each. */
export const hostTools = [
  { need: "qemu-system-x86_64", pkg: "qemu-system-x86", why: "boots the system (runvm, boot tests)" },
  { need: "sqfstar", pkg: "squashfs-tools", why: "the reference root.squashfs images are compared with in tests" },
  { need: "unsquashfs", pkg: "squashfs-tools", why: "inspects root.squashfs in tests" },
  { need: "mksquashfs", pkg: "squashfs-tools", why: "packs root.squashfs (mksquashfs -tar), and the small root images of the initrd boot tests" },
  { need: "gpgv", pkg: "gpgv", why: "verifies the Debian archive's InRelease" },
  { need: "/usr/share/keyrings/debian-archive-keyring.gpg", pkg: "debian-archive-keyring", why: "the keys InRelease is signed with" },
  { need: "xz", pkg: "xz-utils", why: "unpacks .deb data and Packages.xz" },
  { need: "zstd", pkg: "zstd", why: "unpacks .deb data and compresses images" },
  { need: "ssh-keygen", pkg: "openssh-client", why: "test keys and ssh into the VM" },
  { need: "ssh", pkg: "openssh-client", why: "ssh into the VM" },
  { need: "cpio", pkg: "cpio", why: "checks initrd archives in tests" },
  { need: "bsdtar", pkg: "libarchive-tools", why: "checks initrd archives in tests" },
  { need: "curl", pkg: "curl", why: "talks to nginx in the boot tests" },
  { need: "shellcheck", pkg: "shellcheck", why: "checks the generated runit scripts in tests" },
  { need: "openssl", pkg: "openssl", why: "checks the VM's TLS certificate in the boot tests" },
  { need: "readelf", pkg: "binutils", why: "cross-checks the kernel builder's .modinfo parser in tests" },
  { need: "git", pkg: "git", why: "the bench's reproducibility check clones the repository; `notos diff` checks revisions out (git worktree)" },
  { need: "mmdebstrap", pkg: "mmdebstrap", why: "the bench's peer case: the same root as a user would build it with Debian's own tools" },
  { need: "tesseract", pkg: "tesseract-ocr", why: "reads the VM's screen as text (Machine.getScreenText)" },
  { need: "ssh-audit", pkg: "ssh-audit", why: "audits the booted system's sshd in the hardening boot test" },
  { need: "testssl", pkg: "testssl.sh", why: "audits the booted system's TLS in the hardening boot test" },
  { need: "objdump", pkg: "binutils", why: "cross-checks the sections of the UEFI image in the disk tests" },
  { need: "mkfs.vfat", pkg: "dosfstools", why: "makes the EFI system partition of disk images (@notos/disk)" },
  { need: "mcopy", pkg: "mtools", why: "copies files into FAT images without mounting them (@notos/disk)" },
  { need: "mmd", pkg: "mtools", why: "makes directories in FAT images without mounting them (@notos/disk)" },
  { need: "mdir", pkg: "mtools", why: "lists the EFI system partition of disk images in the disk tests" },
  { need: "mtype", pkg: "mtools", why: "reads files of the EFI system partition in the disk tests" },
  { need: "syslinux", pkg: "syslinux", why: "installs the BIOS boot loader into a disk image's FAT partition (@notos/disk)" },
  { need: "xorriso", pkg: "xorriso", why: "writes the hybrid ISO (@notos/disk)" },
  { need: "qemu-img", pkg: "qemu-utils", why: "converts disk images to qcow2 (@notos/disk)" },
  { need: "/usr/share/ovmf/OVMF.fd", pkg: "ovmf", why: "UEFI firmware for booting disk images under QEMU (runvm --uefi)" },
  { need: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", pkg: "ovmf", why: "the SMM UEFI firmware that enforces Secure Boot: runvm --uefi of a signed build, and the signing tests (@notos/sign)" },
  { need: "/usr/share/OVMF/OVMF_VARS_4M.fd", pkg: "ovmf", why: "the blank UEFI variable store @notos/sign enrols the user's certificate into" },
  { need: "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", pkg: "ovmf", why: "a variable store with keys enrolled by Debian, read back in @notos/sign's variable store tests" },
  { need: "sbverify", pkg: "sbsigntool", why: "checks the UKI's Secure Boot signature in @notos/sign's tests" },
  { need: "veritysetup", pkg: "cryptsetup-bin", why: "checks root.squashfs's dm-verity hash tree in @notos/rootfs's tests (the oracle for notos's own writer)" },
  { need: "rdsquashfs", pkg: "squashfs-tools-ng", why: "finds where a file's data sits in root.squashfs, for the dm-verity boot test's flipped byte" },
  { need: "chromium", pkg: "chromium", why: "renders the pages of the site (@notos/site) in its test" },
];

/** Never installed by setup: Debian's Essential packages and Node.js (which runs all of this) are on every machine. */
export const alwaysPresentPrograms = [
  // dash / bash
  "sh", "dash", "bash",
  // coreutils
  "cat", "chroot", "cp", "du", "env", "head", "id", "ln", "ls", "mkdir", "mv", "printf", "rm", "sleep", "sort", "tail", "touch", "true", "false", "wc",
  // findutils, grep, sed
  "find", "xargs", "grep", "sed",
  // util-linux
  "setpriv", "unshare",
  // dpkg
  "dpkg-deb", "dpkg-query",
  // Node.js
  "node", "npm", "npx",
];

/** Host paths that exist on every Linux machine without a package: the kernel's file systems and the temp directory. */
export const alwaysPresentPaths = ["/dev/", "/proc/", "/sys/", "/tmp/"];
