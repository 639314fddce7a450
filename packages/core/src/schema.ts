// The option tree of a notos system: one zod schema that every builder reads.
// Every option has a default and a description; `notos options` lists them.
import { z } from "zod";
import { modulePath } from "./zod-walk.js";
import type { DeclaredConfig, DeclaredInput, FoundDeclaration } from "./declare.js";

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
});

export const interfaceSchema = z.strictObject({
  dhcp: z.boolean().default(false).describe("Configure the interface with DHCP (busybox udhcpc; add `busybox` to environment.packages)."),
  address: z.string().optional().describe("A static address in CIDR form, e.g. \"10.0.2.15/24\"."),
  gateway: z.string().optional().describe("The default route's gateway for a static address."),
});

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

export const systemSchema = z.strictObject({
  system: z
    .strictObject({
      name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).default("notos").describe("The system's name, shown in os-release and on the default web page."),
      version: z.string().default("0.1.0").describe("The system's version, shown in os-release."),
    })
    .prefault({}),
  boot: z
    .strictObject({
      kernel: z
        .strictObject({
          package: z.string().default("linux-image-cloud-amd64").describe("Debian package the kernel comes from (a metapackage is followed to its linux-image-* package)."),
          sysctl: z.record(z.string(), z.union([z.string(), z.number()])).default({}).describe("sysctl settings applied by runit stage 1."),
        })
        .prefault({}),
      kernelParams: z.array(z.string()).default([]).describe("Kernel command-line parameters (after root=)."),
      kernelModules: z.array(z.string()).default([]).describe("Kernel modules loaded by stage 1 after the root is mounted (they are shipped in the initrd)."),
      stage2Init: absolutePath.default("/usr/lib/notos/stage-2").describe("Where the runit layer puts notos's stage-2 init (mount the API file systems, exec runit), which stage 1 switches to."),
      initrd: z
        .strictObject({
          kernelModules: z.array(z.string()).default([]).describe("Kernel modules stage 1 loads before it looks for the root device."),
          compression: z.enum(["gzip", "zstd", "xz", "none"]).default("zstd").describe("Compression of the initrd."),
          busyboxPackage: z.string().default("busybox-static").describe("Debian package that provides stage 1's static busybox."),
          rootDevice: z.string().default("/dev/vda").describe("The root device, unless the command line has root=."),
          rootFsType: z.string().default("squashfs").describe("File-system type of the root device."),
          rootWaitSeconds: z.number().int().min(1).default(10).describe("How long stage 1 waits for the root device."),
          emergencyShell: z.boolean().default(false).describe("On a stage-1 failure, start a shell instead of powering off (also enabled by `notos.shell` on the command line)."),
          overlay: z
            .strictObject({
              tmpfsSize: z.string().default("50%").describe("Size of the tmpfs that holds the writable overlay."),
              device: z.string().optional().describe("A persistent block device (ext4) for the overlay's upper layer instead of tmpfs."),
            })
            .prefault({}),
        })
        .prefault({}),
    })
    .prefault({}),
  environment: z
    .strictObject({
      packages: z.array(z.string()).default([]).describe("Debian packages installed in the root (their dependency closure is added)."),
      etc: z.record(z.string(), etcEntrySchema).default({}).describe("Files under /etc, keyed by their path relative to /etc."),
      variables: z.record(z.string(), z.string()).default({}).describe("Environment variables set in /etc/profile."),
    })
    .prefault({}),
  users: z.record(z.string(), userSchema).default({}).describe("User accounts, keyed by name."),
  groups: z.record(z.string(), groupSchema).default({}).describe("Groups, keyed by name."),
  services: z.record(z.string(), serviceSchema).default({}).describe("runit services, keyed by name."),
  runit: z
    .strictObject({
      stage1Tasks: z.record(z.string(), z.string()).default({}).describe("One-shot shell tasks run by runit stage 1, in the order of their names."),
      directories: z
        .record(absolutePath, z.strictObject({ mode: octalMode.default("0755"), user: z.string().default("root"), group: z.string().default("root") }))
        .default({})
        .describe("Directories created at every boot by runit stage 1 (e.g. /run/sshd)."),
      shutdownTimeout: z.number().int().min(1).default(7).describe("Seconds stage 3 waits for services to stop."),
    })
    .prefault({}),
  networking: z
    .strictObject({
      hostname: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/).default("notos").describe("The host name."),
      domain: z.string().optional().describe("The DNS domain."),
      interfaces: z.record(z.string(), interfaceSchema).default({}).describe("Network interfaces, keyed by name."),
      nameservers: z.array(z.string()).default([]).describe("DNS servers for /etc/resolv.conf."),
      hosts: z.record(z.string(), z.array(z.string())).default({}).describe("Extra /etc/hosts lines: address → names."),
    })
    .prefault({}),
  rootfs: z
    .strictObject({
      compression: z.enum(["xz", "zstd", "gzip"]).default("xz").describe("squashfs compressor of root.squashfs."),
      exclude: z
        .array(z.string())
        .default([
          "/usr/share/doc/**",
          "/usr/share/man/**",
          "/usr/share/info/**",
          "/usr/share/locale/**",
          "/usr/share/lintian/**",
          // glibc's iconv converters (8 MB): only iconv to legacy charsets needs them.
          "/usr/lib/*/gconv/**",
        ])
        .describe("Glob patterns of package paths left out of the root."),
      include: z.array(z.string()).default(["/usr/share/doc/*/copyright"]).describe("Glob patterns kept even when `exclude` matches them."),
      conflicts: z
        .record(absolutePath, z.string())
        .default({})
        .describe("Which package wins a path that several packages ship with different content: path → package name."),
      recommends: z.boolean().default(false).describe("Follow Recommends when resolving packages."),
    })
    .prefault({}),
  qemu: z
    .strictObject({
      memory: z.number().int().min(64).default(512).describe("Guest memory in MiB."),
      cpus: z.number().int().min(1).default(1).describe("Guest CPUs."),
      accel: z.enum(["auto", "kvm", "tcg"]).default("auto").describe("Acceleration; `auto` uses KVM only when a probe shows it works (NOTOS_ACCEL overrides)."),
      forwards: z.array(forwardSchema).default([]).describe("Host → guest port forwards of the user-mode network."),
      disks: z.array(diskSchema).default([]).describe("Extra virtio disks after the root disk."),
      extraArgs: z.array(z.string()).default([]).describe("Extra qemu-system-x86_64 arguments."),
    })
    .prefault({}),
  debian: z
    .strictObject({
      suites: z.array(z.string()).default(["bookworm", "bookworm-updates", "bookworm-security"]).describe("Suites packages come from; the highest version wins."),
      components: z.array(z.string()).default(["main"]).describe("Archive components."),
      architecture: z.string().default("amd64").describe("Debian architecture."),
      mirror: z.string().url().optional().describe("Archive URL; by default the one the host's apt sources name (NOTOS_DEBIAN_MIRROR overrides)."),
      securityMirror: z.string().url().optional().describe("Security archive URL for the *-security suites; by default from the host's apt sources."),
      keyring: z.string().default("/usr/share/keyrings/debian-archive-keyring.gpg").describe("Keyring InRelease is verified against, unless the apt source names one."),
    })
    .prefault({}),
});

/** The options every system has, whichever builders it uses: its identity, and where stage 1 hands over to stage 2. */
export const ownDeclarations: readonly FoundDeclaration[] = [
  { path: "system", schema: systemSchema.shape.system, file: "@notos/core" },
  { path: "boot.stage2Init", schema: systemSchema.shape.boot.unwrap().shape.stage2Init, file: "@notos/core" },
];

/**
 * The standard packages' options as core declared them before each package
 * declared its own: used only for a path no module of the system declares,
 * so a package can take its options over without the others moving at once.
 */
export const fallbackDeclarations: readonly FoundDeclaration[] = leafDeclarations([
  "boot.kernel.package",
  "boot.kernel.sysctl",
  "boot.kernelParams",
  "boot.kernelModules",
  "boot.initrd.kernelModules",
  "boot.initrd.compression",
  "boot.initrd.busyboxPackage",
  "boot.initrd.rootDevice",
  "boot.initrd.rootFsType",
  "boot.initrd.rootWaitSeconds",
  "boot.initrd.emergencyShell",
  "boot.initrd.overlay",
  "environment.packages",
  "environment.etc",
  "environment.variables",
  "users",
  "groups",
  "services",
  "runit",
  "networking",
  "rootfs",
  "qemu",
  "debian",
]);

function leafDeclarations(paths: readonly string[]): FoundDeclaration[] {
  return paths.map((path) => {
    let schema: z.ZodType = systemSchema;
    for (const segment of path.split(".")) {
      let inner = schema as unknown as { shape?: Record<string, z.ZodType>; unwrap?: () => z.ZodType };
      while (!inner.shape && inner.unwrap) inner = inner.unwrap() as unknown as typeof inner;
      schema = inner.shape![segment]!;
    }
    return { path, schema, file: "@notos/core (until its package declares it)" };
  });
}

/** The evaluated configuration of a notos system: every option present, defaults filled in. */
export type SystemConfig = z.output<typeof systemSchema> & DeclaredConfig;
/** What a module may write: every option optional, at any depth. */
export type SystemOptions = z.input<typeof systemSchema> & DeclaredInput;
export type EtcEntry = z.output<typeof etcEntrySchema>;
export type User = z.output<typeof userSchema>;
export type Group = z.output<typeof groupSchema>;
export type Service = z.output<typeof serviceSchema>;
export type NetworkInterface = z.output<typeof interfaceSchema>;
export type PortForward = z.output<typeof forwardSchema>;
export type ExtraDisk = z.output<typeof diskSchema>;
