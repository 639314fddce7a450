// What `boot.initrd.verity` adds to stage 1's initrd: dmsetup (with its
// library closure, through `boot.initrd.programs`) and the dm-verity kernel
// module (with its dependencies, through `boot.initrd.kernelModules`), which
// stage 1 needs to open the root through dm-verity. Without the option the
// initrd has neither. @notos/rootfs turns the option on with `rootfs.verity`.
import { defineModule } from "@notos/core";

/** The program stage 1 opens the verity device with. */
export const VERITY_PROGRAM = { package: "dmsetup", path: "/usr/sbin/dmsetup" } as const;
/** The kernel modules it needs (dm-mod and dm-bufio come as dependencies). */
export const VERITY_KERNEL_MODULES = ["dm-verity"] as const;
/** The device-mapper name of the verified root: /dev/mapper/<this>. */
export const VERITY_DEVICE = "notos-root";

/** Adds dmsetup and dm-verity to the initrd when `boot.initrd.verity` is on. */
export const verityStage1Module = defineModule(({ config }) =>
  config.boot.initrd.verity
    ? { name: "@notos/initrd verity", boot: { initrd: { programs: [{ ...VERITY_PROGRAM }], kernelModules: [...VERITY_KERNEL_MODULES] } } }
    : { name: "@notos/initrd verity" },
);
