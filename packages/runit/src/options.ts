// The options the runit layer owns, and the paths it reads. The package that
// reads an option declares it: `runitModule` carries these schemas, so a
// system that has the runit layer has its options, with the same defaults,
// descriptions and messages core gave them before. Accounts and networking
// are etc's options, read here too, so their types come from @notos/etc.
// The paths the layer reads are in one place: the builder declares them (so
// its store key hashes exactly them) and every function here is typed by the
// slice they give, so reading anything else fails to compile instead of
// escaping the key.
import type { OptionSlice } from "@notos/core";
// etc's options (users, groups, networking) reach `SystemConfig`, and so
// the slice type below, through the augmentation this import brings in.
import type {} from "@notos/etc";
import { z } from "zod";

const octalMode = z
  .string()
  .regex(/^0?[0-7]{3,4}$/, "an octal permission such as \"0644\"")
  .describe("Octal permission bits, as a string (\"0644\", \"0755\", \"4755\").");

const absolutePath = z.string().startsWith("/", "an absolute path");

export const serviceSchema = z.strictObject({
  enable: z.boolean().default(true).describe("Whether runit supervises the service."),
  run: z.string().describe("Shell commands of the service's `run` script; the last one should `exec` the daemon in the foreground."),
  finish: z.string().optional().describe("Shell commands of the `finish` script, run after the service exits."),
  log: z
    .union([z.boolean(), z.strictObject({ run: z.string() })])
    .default(false)
    .describe("A log service: `true` for svlogd into /var/log/NAME, or `{ run }` for a custom logger."),
  env: z.record(z.string(), z.string()).default({}).describe("Environment variables for the service."),
  user: z.string().optional().describe("Run the service as this user (via chpst)."),
  after: z.array(z.string()).default([]).describe("Services that must be up (sv check) before this one starts."),
  shell: z
    .enum(["sh", "busybox"])
    .default("sh")
    .describe(
      "The interpreter of the service's scripts: `sh` (/bin/sh), or `busybox`, the boot shell at /usr/lib/notos/busybox that runit's own scripts use. It starts faster under emulation, and it runs busybox's applet for any command named like one (mkdir, ip, sleep, poweroff …): give other programs of those names by their full path.",
    ),
});

export const servicesSchema = z.record(z.string(), serviceSchema).default({}).describe("runit services, keyed by name.");

export const runitSchema = z
  .strictObject({
    stage1Tasks: z.record(z.string(), z.string()).default({}).describe("One-shot shell tasks run by runit stage 1, in the order of their names."),
    directories: z
      .record(absolutePath, z.strictObject({ mode: octalMode.default("0755"), user: z.string().default("root"), group: z.string().default("root") }))
      .default({})
      .describe("Directories created at every boot by runit stage 1 (e.g. /run/sshd)."),
    shutdownTimeout: z.number().int().min(1).default(7).describe("Seconds stage 3 waits for services to stop."),
  })
  .prefault({});

export const sysctlSchema = z.record(z.string(), z.union([z.string(), z.number()])).default({}).describe("sysctl settings applied by runit stage 1.");

/**
 * The declarations `runitModule` carries, keyed by option path (not to be
 * confused with `RunitOptions`, the slice of the configuration the layer reads).
 */
export const runitOptions = {
  services: servicesSchema,
  runit: runitSchema,
  "boot.kernel.sysctl": sysctlSchema,
};

// The options' types join the system's wherever this package is imported, so
// `defineSystem({ services: … })` keeps type-checking once core no longer has them.
declare module "@notos/core" {
  interface NotosOptions {
    services: typeof servicesSchema;
    runit: typeof runitSchema;
    "boot.kernel.sysctl": typeof sysctlSchema;
  }
}

export type Service = z.output<typeof serviceSchema>;
export type Services = z.output<typeof servicesSchema>;
export type RunitSettings = z.output<typeof runitSchema>;
export type Sysctl = z.output<typeof sysctlSchema>;

/**
 * `users` and `groups` whole, though only names and ids matter here (names
 * resolve to ids in stage 1, and validation checks they exist): an option
 * path cannot pick one field out of every record entry.
 */
export const RUNIT_READS = [
  "services",
  "runit",
  "networking.hostname",
  "networking.interfaces",
  "networking.nameservers",
  "users",
  "groups",
  "boot.kernel.sysctl",
  "boot.stage2Init",
] as const;

/** The part of the configuration the runit layer reads. */
export type RunitOptions = OptionSlice<(typeof RUNIT_READS)[number]>;
