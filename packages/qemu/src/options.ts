// The `qemu` options belong to this package: runvm and Machine are what read
// them, so `runvmModule` declares them and a system that has runvm has its
// options, with the defaults, descriptions and messages core gave them
// before. `system.name` and `system.version` stay core's: every system has
// them, with or without a VM.
import { z } from "zod";

export const forwardSchema = z.strictObject({
  proto: z.enum(["tcp", "udp"]).default("tcp"),
  host: z.number().int().min(1).max(65535).describe("Port on the host."),
  guest: z.number().int().min(1).max(65535).describe("Port in the guest."),
  bind: z.string().default("127.0.0.1").describe("Host address the forward listens on."),
});

export const diskSchema = z.strictObject({
  file: z.string().describe("Disk image file on the host (relative to the dist directory)."),
  format: z.enum(["raw", "qcow2"]).default("raw"),
  readonly: z.boolean().default(false),
  size: z.string().optional().describe("Create the image with this size (e.g. \"2G\") when it does not exist."),
});

export const qemuSchema = z
  .strictObject({
    memory: z.number().int().min(64).default(512).describe("Guest memory in MiB."),
    cpus: z.number().int().min(1).default(1).describe("Guest CPUs."),
    accel: z.enum(["auto", "kvm", "tcg"]).default("auto").describe("Acceleration; `auto` uses KVM only when a probe shows it works (NOTOS_ACCEL overrides)."),
    forwards: z.array(forwardSchema).default([]).describe("Host → guest port forwards of the user-mode network."),
    disks: z.array(diskSchema).default([]).describe("Extra virtio disks after the root disk."),
    extraArgs: z.array(z.string()).default([]).describe("Extra qemu-system-x86_64 arguments."),
  })
  .prefault({});

/** The declarations `runvmModule` carries, keyed by option path. */
export const qemuOptions = {
  qemu: qemuSchema,
};

// The options' type joins the system's wherever this package is imported, so
// `defineSystem({ qemu: … })` keeps type-checking once core no longer has it.
declare module "@notos/core" {
  interface NotosOptions {
    qemu: typeof qemuSchema;
  }
}

/** The evaluated `qemu` options (defaults filled in). */
export type QemuOptions = z.output<typeof qemuSchema>;
/** What a module may write for `qemu`. */
export type QemuOptionsInput = z.input<typeof qemuSchema>;
export type PortForward = z.output<typeof forwardSchema>;
export type ExtraDisk = z.output<typeof diskSchema>;
