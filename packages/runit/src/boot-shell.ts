// The boot shell: Debian's static busybox at /usr/lib/notos/busybox, the
// interpreter of runit's own scripts and of the services that choose it
// (`services.NAME.shell = "busybox"`).
//
// Why: under emulation (QEMU's TCG) a program start is the slow part of a
// boot. Every start of a position-independent, dynamically linked program
// such as dash runs the loader and relocates libc at fresh random addresses,
// and TCG translates all of that code again each time. busybox-static is
// linked at a fixed address and needs no loader, so the second and later
// starts of it (the scripts, and the applets they run: mkdir, ln, ip, sleep)
// reuse what was translated for the first. The services the scripts start
// stay randomised: runit, runsv and every daemon are Debian's PIE programs,
// and the kernel's randomisation stays on for everything.
//
// It runs as busybox's standalone shell: a command named like one of its
// applets runs the applet, whatever PATH says. Scripts that want another
// program of that name give its full path (/usr/sbin/poweroff).
//
// The binary sits in a layer, not in root.squashfs: it travels in the
// initrd with the other layers, so the package image keeps its size.
import { NotosError, defineLayer } from "@notos/core";
import { layerEntries } from "@notos/core/tree";
import { readDebData } from "@notos/debian/deb";

/** Where the boot shell lives in the root; scripts start with `#!/usr/lib/notos/busybox sh`. */
export const BUSYBOX = "/usr/lib/notos/busybox";
/** The Debian package it comes from: the static build (a dynamic busybox would cost what dash costs). */
export const BUSYBOX_PACKAGE = "busybox-static";
const PACKAGE_SET = "boot-shell";

const { file, withParents } = layerEntries("boot-shell");

export const bootShell = defineLayer({
  name: "boot-shell",
  // Bump when the layer changes for the same package.
  version: "1",
  description: "The boot shell: Debian's static busybox at /usr/lib/notos/busybox, which runs runit's scripts.",
  reads: [],
  packages: () => [{ name: PACKAGE_SET, roots: [BUSYBOX_PACKAGE], dependencies: "none" }],
  async build({ packages, reporter }) {
    const debs = await packages(PACKAGE_SET);
    for (const deb of debs) {
      for await (const entry of readDebData(deb.file)) {
        if (entry.type === "file" && /^(\/usr)?\/s?bin\/busybox$/.test(entry.path)) {
          reporter.step("boot shell", `${deb.name} ${deb.version}, ${entry.content.length} bytes`);
          return { name: "boot-shell", entries: withParents([file(BUSYBOX, entry.content, 0o755)]) };
        }
      }
    }
    throw new NotosError(`${BUSYBOX_PACKAGE} (${debs.map((d) => d.version).join(", ") || "not fetched"}) has no busybox binary in /bin or /sbin`, {
      code: "RUNIT_BOOT_SHELL",
      hint: "the package moved its binary: this version of @notos/runit does not know the locked package; update @notos/runit or the lock",
    });
  },
});
