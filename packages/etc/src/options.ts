// The options the etc layer owns, and the paths it reads. The package that
// reads an option declares it: `etcModule` carries these schemas, so a
// system that has the etc layer has its options, with the same defaults,
// descriptions and messages core gave them before. The paths it reads are
// in one place too: the builder declares them (so its store key hashes
// exactly them) and every function here is typed by the slice they give,
// so reading anything else fails to compile instead of escaping the key.
import { modulePath, type OptionSlice } from "@notos/core";
import { z } from "zod";

const octalMode = z
  .string()
  .regex(/^0?[0-7]{3,4}$/, "an octal permission such as \"0644\"")
  .describe("Octal permission bits, as a string (\"0644\", \"0755\", \"4755\").");

const absolutePath = z.string().startsWith("/", "an absolute path");

export const etcEntrySchema = z
  .strictObject({
    text: z.string().optional().describe("The file's content. Exactly one of `text` and `source` is set."),
    source: modulePath("A host file whose content is copied; a relative path is resolved against the file of the module that set it.").optional(),
    target: z.string().optional().describe("Make the entry a symbolic link to this target instead of a file."),
    mode: octalMode.default("0644"),
    uid: z.number().int().nonnegative().default(0).describe("Owner uid."),
    gid: z.number().int().nonnegative().default(0).describe("Owner gid."),
    enable: z.boolean().default(true).describe("Whether the file is created."),
  })
  .refine((e) => [e.text, e.source, e.target].filter((v) => v !== undefined).length === 1, {
    message: "exactly one of `text`, `source` or `target` must be set",
  });

export const userSchema = z.strictObject({
  uid: z.number().int().nonnegative().describe("Numeric user id; must be unique."),
  group: z.string().default("nogroup").describe("Primary group name (must exist in `groups`)."),
  extraGroups: z.array(z.string()).default([]).describe("Supplementary groups."),
  description: z.string().default("").describe("The GECOS field."),
  home: absolutePath.default("/nonexistent").describe("Home directory."),
  createHome: z.boolean().default(false).describe("Create the home directory (owned by the user, mode 0700) in the image."),
  shell: absolutePath.default("/usr/sbin/nologin").describe("Login shell."),
  hashedPassword: z
    .string()
    .nullable()
    .default(null)
    .describe("A crypt(3) hash for /etc/shadow; null locks the password (the default: no passwords are baked into an image)."),
  authorizedKeys: z.array(z.string()).default([]).describe("SSH public keys allowed to log in as this user."),
});

export const groupSchema = z.strictObject({
  gid: z.number().int().nonnegative().describe("Numeric group id; must be unique."),
  members: z.array(z.string()).default([]).describe("Users in this group besides those whose primary group it is."),
});

export const interfaceSchema = z.strictObject({
  dhcp: z.boolean().default(false).describe("Configure the interface with DHCP (busybox's udhcpc, which runit's stage 1 runs from its boot shell)."),
  address: z.string().optional().describe("A static address in CIDR form, e.g. \"10.0.2.15/24\"."),
  gateway: z.string().optional().describe("The default route's gateway for a static address."),
});

export const etcFilesSchema = z.record(z.string(), etcEntrySchema).default({}).describe("Files under /etc, keyed by their path relative to /etc.");
export const variablesSchema = z.record(z.string(), z.string()).default({}).describe("Environment variables set in /etc/profile.");
export const usersSchema = z.record(z.string(), userSchema).default({}).describe("User accounts, keyed by name.");
export const groupsSchema = z.record(z.string(), groupSchema).default({}).describe("Groups, keyed by name.");
export const networkingSchema = z
  .strictObject({
    hostname: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/).default("notos").describe("The host name."),
    domain: z.string().optional().describe("The DNS domain."),
    interfaces: z.record(z.string(), interfaceSchema).default({}).describe("Network interfaces, keyed by name."),
    nameservers: z.array(z.string()).default([]).describe("DNS servers for /etc/resolv.conf."),
    hosts: z.record(z.string(), z.array(z.string())).default({}).describe("Extra /etc/hosts lines: address → names."),
  })
  .prefault({});

/**
 * The declarations `etcModule` carries, keyed by option path (not to be
 * confused with `EtcOptions`, the slice of the configuration the layer reads).
 */
export const etcOptions = {
  "environment.etc": etcFilesSchema,
  "environment.variables": variablesSchema,
  users: usersSchema,
  groups: groupsSchema,
  networking: networkingSchema,
};

// The options' types join the system's wherever this package is imported, so
// `defineSystem({ users: … })` keeps type-checking once core no longer has them.
declare module "@notos/core" {
  interface NotosOptions {
    "environment.etc": typeof etcFilesSchema;
    "environment.variables": typeof variablesSchema;
    users: typeof usersSchema;
    groups: typeof groupsSchema;
    networking: typeof networkingSchema;
  }
}

export type EtcEntry = z.output<typeof etcEntrySchema>;
export type User = z.output<typeof userSchema>;
export type Group = z.output<typeof groupSchema>;
export type NetworkInterface = z.output<typeof interfaceSchema>;
export type Users = z.output<typeof usersSchema>;
export type Groups = z.output<typeof groupsSchema>;
export type Networking = z.output<typeof networkingSchema>;

/**
 * `networking` as a whole: the layer reads its hostname, domain, nameservers
 * and hosts, but `domain` is optional and absent when unset, and a builder
 * may only read paths that are always present.
 */
export const ETC_READS = ["system", "users", "groups", "networking", "environment.etc", "environment.variables"] as const;

/** The part of the configuration the etc layer reads. */
export type EtcOptions = OptionSlice<(typeof ETC_READS)[number]>;
