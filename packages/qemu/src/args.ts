// The qemu-system-x86_64 argument list of a notos system: pure data, computed
// from the dist files and the configuration. runvm and Machine both use it,
// so the launcher a user runs and the machine a test drives are the same VM.
import { isAbsolute, join, dirname } from "node:path";
import type { VmConfig, VmPortForward } from "./config.js";
import { bootMediaArgs, type BootMedia } from "./boot-media.js";
import { qemuOptValue } from "./quote.js";

export const QEMU_BINARY = "qemu-system-x86_64";

/** The files of a dist directory (paths). `commandLine` is the file holding the kernel command line. */
export interface DistFiles {
  kernel: string;
  initrd: string;
  rootfs: string;
  commandLine: string;
}

/** The names of the files in a dist directory. */
export const DIST_NAMES = {
  kernel: "kernel",
  initrd: "initrd",
  rootfs: "root.squashfs",
  commandLine: "command-line",
  runvm: "runvm",
} as const;

/** The DistFiles of a dist directory. */
export function distFiles(dir: string): DistFiles {
  return {
    kernel: join(dir, DIST_NAMES.kernel),
    initrd: join(dir, DIST_NAMES.initrd),
    rootfs: join(dir, DIST_NAMES.rootfs),
    commandLine: join(dir, DIST_NAMES.commandLine),
  };
}

export type Accel = "kvm" | "tcg";

/** The acceleration arguments. KVM gets the host CPU model; TCG keeps QEMU's default model. */
export function accelArgs(accel: Accel): string[] {
  return accel === "kvm" ? ["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg"];
}

/**
 * Where the serial console goes.
 * - `nographic`: serial and QEMU monitor multiplexed on stdio (Ctrl-a x quits, Ctrl-a c for the monitor); no window.
 * - `stdio`: serial alone on stdio, no monitor, no window (the display device stays, for screenshots).
 */
export type ConsoleMode = "nographic" | "stdio";

export interface QemuArgsOptions {
  /** The kernel command line text (the content of the `commandLine` file). */
  commandLine: string;
  /** Acceleration; default "tcg". */
  accel?: Accel;
  /** Default "nographic". */
  console?: ConsoleMode;
  /** Port forwards instead of `config.qemu.forwards` (Machine remaps host ports). */
  forwards?: readonly VmPortForward[];
  /** Directory relative disk files are resolved against; default: the directory of `rootfs`. */
  diskDir?: string;
  /** Arguments appended after `config.qemu.extraArgs`. */
  extraArgs?: readonly string[];
  /** Cut the user-mode network off from the host's networks (`restrict=on`): only port forwards reach the guest. */
  restrictUserNet?: boolean;
  /** Boot this disk image or ISO through the firmware instead of the kernel directly (boot-media.ts). */
  media?: BootMedia;
}

/** One `hostfwd=` rule of QEMU's user-mode network. */
export function hostfwd(f: VmPortForward): string {
  return `hostfwd=${f.proto}:${f.bind}:${f.host}-:${f.guest}`;
}

/** The disk file path of an extra disk, resolved against the dist directory. */
export function diskPath(file: string, diskDir: string): string {
  return isAbsolute(file) ? file : join(diskDir, file);
}

/** Direct kernel boot: QEMU loads kernel and initrd, and the root is a virtio disk. */
export function directBootArgs(dist: DistFiles, commandLine: string): string[] {
  return [
    "-kernel", dist.kernel,
    "-initrd", dist.initrd,
    "-append", commandLine,
    // The root is read-only by design: stage 1 puts a tmpfs overlay on top.
    "-drive", `file=${qemuOptValue(dist.rootfs)},if=virtio,format=raw,readonly=on`,
  ];
}

/** The qemu-system-x86_64 argument list (without the binary). */
export function qemuArgs(dist: DistFiles, config: VmConfig, options: QemuArgsOptions): string[] {
  return buildQemuArgs(dist, config, { ...options, accelArgs: accelArgs(options.accel ?? "tcg") });
}

/** qemuArgs with the accel arguments given verbatim (runvm puts a shell array there). */
export function buildQemuArgs(
  dist: DistFiles,
  config: VmConfig,
  options: Omit<QemuArgsOptions, "accel"> & { accelArgs: string[]; bootArgs?: string[] },
): string[] {
  const q = config.qemu;
  const diskDir = options.diskDir ?? dirname(dist.rootfs);
  const forwards = options.forwards ?? q.forwards;
  const netdev = ["user", "id=net0", ...(options.restrictUserNet ? ["restrict=on"] : []), ...forwards.map(hostfwd)].join(",");
  const consoleArgs =
    (options.console ?? "nographic") === "nographic"
      ? ["-nographic"]
      : ["-display", "none", "-serial", "stdio", "-monitor", "none"];
  return [
    ...options.accelArgs,
    "-m", String(q.memory),
    "-smp", String(q.cpus),
    // runvm passes its own (a shell array chosen at run time); else a disk image or ISO, or the direct boot.
    ...(options.bootArgs ?? (options.media ? bootMediaArgs(options.media) : directBootArgs(dist, options.commandLine))),
    ...q.disks.flatMap((d) => [
      "-drive",
      `file=${qemuOptValue(diskPath(d.file, diskDir))},if=virtio,format=${d.format}${d.readonly ? ",readonly=on" : ""}`,
    ]),
    "-netdev", netdev,
    "-device", "virtio-net-pci,netdev=net0",
    "-device", "virtio-rng-pci",
    ...consoleArgs,
    // A guest reboot ends QEMU: a VM that panics or reboots must not loop.
    "-no-reboot",
    ...q.extraArgs,
    ...(options.extraArgs ?? []),
  ];
}

/** The kernel command line the KVM probe boots: no initrd, so the kernel panics as soon as it looks for a root. */
export const PROBE_COMMAND_LINE = "console=ttyS0 panic=-1 root=/dev/notos-kvm-probe";
/** What the probe kernel prints when it got all the way through its early boot. */
export const PROBE_SUCCESS_TEXT = "Kernel panic";

/**
 * Arguments of the KVM probe: boot the system's own kernel under KVM with no
 * root. It panics a few hundred milliseconds in and, with -no-reboot, QEMU
 * exits 0. A nested KVM that hangs after the firmware hands over to the
 * kernel (real-mode code runs fine there) never gets there; the caller kills
 * it on a timeout.
 */
export function accelProbeArgs(kernel: string, serialLog: string): string[] {
  return [
    ...accelArgs("kvm"),
    "-nodefaults",
    "-display", "none",
    "-no-reboot",
    "-m", "128",
    "-kernel", kernel,
    "-append", PROBE_COMMAND_LINE,
    "-serial", `file:${serialLog}`,
  ];
}
