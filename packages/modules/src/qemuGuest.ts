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
 * The kernel command line of a QEMU guest. Each parameter past the console
 * cuts boot time under emulation (measured with `npm run bench -- --cases
 * boot`) without taking anything the system uses: the VGA console, the
 * keyboard (QMP send-key), the power button and every virtio device keep
 * working. Replace the list with `mkForce` to boot verbosely.
 */
export const qemuKernelParams = [
  // The serial port is the console runvm shows and the boot tests read.
  "console=ttyS0",
  // A kernel panic reboots, and QEMU (-no-reboot) exits instead of hanging.
  "panic=1",
  // Warnings and errors only on the console: every character written to the
  // emulated UART costs, and a boot prints hundreds of lines.
  "quiet",
  // PCI interrupts routed without ACPI's interrupt links: evaluating them
  // cost about a second under TCG when virtio_pci enabled its devices, and
  // virtio uses MSI-X anyway (BIOS and UEFI both boot).
  "acpi=noirq",
  // No self-tests of the kernel's crypto algorithms at boot (0.4 s under
  // TCG): they check the implementations, not the system's keys or data.
  "cryptomgr.notests",
  // No probing for what QEMU does not have: a PS/2 mouse, a second serial port.
  "i8042.noaux",
  "8250.nr_uarts=1",
];

/**
 * The ACPI power button (QEMU's `system_powerdown`, a host shutting its VMs
 * down) as a clean runit shutdown, with no acpid: the `button` driver turns
 * the ACPI event into a key press on the "Power Button" input device, and
 * this service waits for an event on it, then runs `poweroff`. A guest
 * without such a device keeps the service asleep instead of restarting it.
 */
export const POWER_BUTTON_RUN = `# The shell's read, not cat: a program per input device would compete with the other services' start.
for d in /sys/class/input/event*; do
  name=; read -r name 2>/dev/null < "$d/device/name"
  if [ "$name" = "Power Button" ]; then dev=/dev/input/\${d##*/}; break; fi
done
if [ -z "$dev" ]; then echo "power-button: no ACPI power button"; exec sleep infinity; fi
# One input event (24 bytes; evdev refuses shorter reads) means a press; a failed read waits before runit tries again.
if ! head -c 24 "$dev" >/dev/null; then sleep 10; exit 1; fi
echo "power-button: pressed, powering off"
# By its path: the boot shell's own poweroff applet does not know runit.
exec /usr/sbin/poweroff`;

export const qemuGuest: ModuleDefinition = defineModule({
  name: "qemuGuest",
  // dist/runvm, the launcher; the kernel and initrd whose options this module
  // sets; runit, which runs its power-button service.
  imports: [runvmModule, initrdModule, runitModule],
  boot: {
    initrd: { kernelModules: qemuInitrdModules },
    kernelParams: qemuKernelParams,
    // The power button's driver, and the input events it sends.
    kernelModules: ["button", "evdev"],
  },
  // The boot shell: head and sleep are its applets, so the service starts no other program.
  services: { "power-button": { run: POWER_BUTTON_RUN, shell: "busybox" } },
});
