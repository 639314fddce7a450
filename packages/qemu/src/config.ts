// What a VM needs to know about its system: the `qemu` options (this
// package's own, see options.ts) and the system's name and version, nothing
// else. A plain object rather than core's SystemConfig, so the launcher and
// the test driver work on any kernel and initrd; an evaluated SystemConfig
// has these fields and can be passed as it is.
import { systemSchema } from "@notos/core";
import { qemuSchema, type ExtraDisk, type PortForward, type QemuOptions } from "./options.js";

/** One forward of QEMU's user-mode network, host → guest. */
export type VmPortForward = PortForward;

/** A virtio disk after the root disk; runvm creates a missing image that has a `size`. */
export type VmDisk = ExtraDisk;

// Lists are only read here, so a caller's readonly (or frozen) list will do.
type ReadonlyLists<T> = { [K in keyof T]: T[K] extends readonly (infer E)[] ? readonly E[] : T[K] };

/** The `qemu` options of a system, as this package's schema evaluates them. */
export type VmQemuOptions = ReadonlyLists<QemuOptions>;

/** The configuration runvmScript, qemuArgs and Machine read. */
export interface VmConfig {
  qemu: VmQemuOptions;
  /** Named in runvm's banner and in Machine's log lines. */
  system: { name: string; version: string };
}

/**
 * The defaults of an unconfigured system: `qemu` from this package's own
 * schema and `system` from core's, which owns it, so neither can disagree
 * with what a system evaluates to.
 */
export function defaultVmConfig(): VmConfig {
  return { qemu: qemuSchema.parse(undefined), system: systemSchema.shape.system.parse(undefined) };
}
