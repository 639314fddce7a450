// What a VM needs to know about its system: the `qemu` options and the
// system's name and version, nothing else. Declared here rather than taken
// from core's SystemConfig so the launcher and the test driver work on any
// kernel and initrd, with a plain object for a configuration; an evaluated
// SystemConfig has these fields and can be passed as it is.
import { systemSchema } from "@notos/core";

/** One forward of QEMU's user-mode network, host → guest. */
export interface VmPortForward {
  proto: "tcp" | "udp";
  host: number;
  guest: number;
  /** Host address the forward listens on. */
  bind: string;
}

/** A virtio disk after the root disk. */
export interface VmDisk {
  /** Relative paths are relative to the dist directory. */
  file: string;
  format: "raw" | "qcow2";
  readonly: boolean;
  /** runvm creates a missing image of this size (e.g. "2G"). */
  size?: string | undefined;
}

/** The `qemu` options of a system (the same fields as SystemConfig["qemu"]). */
export interface VmQemuOptions {
  /** MiB. */
  memory: number;
  cpus: number;
  accel: "auto" | "kvm" | "tcg";
  forwards: readonly VmPortForward[];
  disks: readonly VmDisk[];
  extraArgs: readonly string[];
}

/** The configuration runvmScript, qemuArgs and Machine read. */
export interface VmConfig {
  qemu: VmQemuOptions;
  /** Named in runvm's banner and in Machine's log lines. */
  system: { name: string; version: string };
}

/** The defaults of an unconfigured system, from core's schema so the two can never disagree. */
export function defaultVmConfig(): VmConfig {
  const { qemu, system } = systemSchema.parse({});
  return { qemu, system };
}
