// The guest side of the test driver: a root shell on the virtio console hvc0,
// supervised by runit (restarted if it dies). Import this module into a
// system that a Machine should drive; never into a production image: it is
// an unauthenticated root shell for whoever holds QEMU's chardev.
import { defineModule, type ModuleDefinition } from "@notos/core";

/**
 * The run script of the test shell. The terminal goes raw and silent: no
 * echo (the driver's frames are not mirrored back), no \n → \r\n, no line
 * length limit, no signal characters. `+i` keeps dash (the module's /bin/sh)
 * from being interactive on a terminal, so it dies on runsv's TERM at
 * shutdown (an interactive shell ignores TERM and stage 3 would wait out its
 * timeout); shells that do not know `+i` ignore it. Each command's stderr
 * goes to the console (see framing.ts). The script runs under the boot
 * shell (runit's `shell: "busybox"`), so `stty` is its applet: the driver
 * should cost the boot it watches as little as it can, and under emulation
 * every dynamically linked program started costs time.
 */
export const TEST_SHELL_RUN = `exec </dev/hvc0 >/dev/hvc0 2>/dev/null
stty raw -echo
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb PS1= PS2=
cd /
exec /bin/sh +i`;

// It sets options of the kernel, rootfs and runit packages, which this package
// does not depend on (it drives any system); evaluation checks the values
// against those packages' declarations in the system that imports it.
const instrumentation: Record<string, unknown> = {
  name: "testInstrumentation",
  boot: { initrd: { kernelModules: ["virtio_console"] } },
  // sh, and the programs a test's commands expect, whatever else the system leaves out.
  environment: { packages: ["dash", "coreutils"] },
  services: { "test-shell": { run: TEST_SHELL_RUN, shell: "busybox" } },
};

export const testInstrumentation = defineModule(instrumentation as ModuleDefinition);
