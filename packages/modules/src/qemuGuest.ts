// qemuGuest: a system that boots under QEMU with virtio devices.
import { defineModule, type ModuleDefinition } from "@notos/core";
import { initrdModule } from "@notos/initrd";
import { runvmModule } from "@notos/qemu";
import { runitModule } from "@notos/runit";

/**
 * Stage 1's modules in an order that loads under the Debian cloud kernel
 * (measured): virtio's transport, disk and network (with net_failover's
 * hidden dependencies), console, entropy, then what mounts the root.
 */
export const qemuInitrdModules = [
  "virtio_pci_legacy_dev",
  "virtio_pci_modern_dev",
  "virtio_ring",
  "virtio",
  "virtio_pci",
  "virtio_blk",
  "failover",
  "net_failover",
  "virtio_net",
  "virtio_console",
  "virtio_rng",
  "squashfs",
  "overlay",
  "loop",
];

/**
 * The ACPI power button (QEMU's `system_powerdown`, a host shutting its VMs
 * down) as a clean runit shutdown, with no acpid: the `button` driver turns
 * the ACPI event into a key press on the "Power Button" input device, and
 * this service waits for an event on it, then runs `poweroff`. A guest
 * without such a device keeps the service asleep instead of restarting it.
 */
export const POWER_BUTTON_RUN = `for d in /sys/class/input/event*; do
  if [ "$(cat "$d/device/name" 2>/dev/null)" = "Power Button" ]; then dev=/dev/input/\${d##*/}; break; fi
done
if [ -z "$dev" ]; then echo "power-button: no ACPI power button"; exec sleep infinity; fi
# One input event (24 bytes; evdev refuses shorter reads) means a press; a failed read waits before runit tries again.
if ! head -c 24 "$dev" >/dev/null; then sleep 10; exit 1; fi
echo "power-button: pressed, powering off"
exec poweroff`;

export const qemuGuest: ModuleDefinition = defineModule({
  name: "qemuGuest",
  // dist/runvm, the launcher; the kernel and initrd whose options this module
  // sets; runit, which runs its power-button service.
  imports: [runvmModule, initrdModule, runitModule],
  boot: {
    initrd: { kernelModules: qemuInitrdModules },
    // The serial port is the console runvm shows and the boot tests read.
    // panic=1: a kernel panic reboots, and QEMU (-no-reboot) exits instead of hanging.
    kernelParams: ["console=ttyS0", "panic=1"],
    // The power button's driver, and the input events it sends.
    kernelModules: ["button", "evdev"],
  },
  services: { "power-button": { run: POWER_BUTTON_RUN } },
});
