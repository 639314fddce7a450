// The options of the root file system belong to this package: the rootfs
// builder is what reads them, and its store key hashes exactly them.
// `environment.packages` sits in the shared `environment` namespace (whose
// other options are the etc layer's) because it is how every module adds
// software to the system; what it means — the root's Debian package set —
// is decided here.
import { z } from "zod";
import { compressionLevelProblem, type Compression } from "./squashfs.js";

const COMPRESSIONS = ["xz", "zstd", "gzip"] as const satisfies readonly Compression[];
const absolutePath = z.string().startsWith("/", "an absolute path");

const packagesSchema = z.array(z.string()).default([]).describe("Debian packages installed in the root (their dependency closure is added).");

const rootfsSchema = z
  .strictObject({
    compression: z
      .enum(COMPRESSIONS)
      .default("zstd")
      .describe(
        "squashfs compressor of root.squashfs. zstd makes the default root about 20 % larger than xz, and its services listen about three times sooner under emulation: stage 2 reads its programs from the root, and the kernel's xz decoder is the slow part of that.",
      ),
    compressionLevel: z
      .number()
      .int()
      .optional()
      .describe(
        "Compression level of `compression`: zstd 1-22, gzip 1-9; xz takes none. Unset: zstd 14 (in the default 256K blocks, 3 % smaller than level 9 in 1M blocks, for about five times the packing CPU), gzip the tool's 9. zstd decodes about as fast at any level.",
      ),
    blockSize: z
      .enum(["128K", "256K", "512K", "1M"])
      .default("256K")
      .describe(
        "squashfs block size of root.squashfs. A read decodes a whole block, and a first boot reads every program it starts: 256K blocks at the default zstd 14 make the default root 3 % smaller than 1M blocks at zstd 9, and sshd listens about 0.2-0.5 s sooner under emulation, for about 2.5 s more packing (with xz, larger blocks cost far more).",
      ),
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
    packageFiles: z
      .record(
        z.string(),
        z.strictObject({
          keep: z.array(absolutePath).optional().describe("Glob patterns (merged-/usr paths) of the files kept; unset: every file not dropped."),
          drop: z.array(absolutePath).optional().describe("Glob patterns of the files left out."),
          unlinked: z
            .array(absolutePath)
            .optional()
            .describe("Glob patterns of shared libraries that stay only while an ELF file of the image links them (DT_NEEDED, by file or soname); read from the image, so it holds whatever depends on the package. Never a library loaded with dlopen."),
          reason: z.string().min(1, "why the rest of the package is not needed").describe("Why the rest of the package is not needed."),
          for: z.array(z.string()).optional().describe("The packages whose needs the selection covers; another package depending on it keeps it whole."),
        }),
      )
      .default({})
      .describe(
        "Per-package file selections, declared by the modules that pull the packages in: package → the files kept (keep/drop globs), the libraries kept only while linked (unlinked), and why. keep/drop hold while only the packages in `for` depend on the package; directories and `include` paths always stay.",
      ),
    keepWhole: z.array(z.string()).default([]).describe("Packages kept whole whatever `packageFiles` selects for them."),
    verity: z
      .boolean()
      .default(false)
      .describe(
        "Append a dm-verity hash tree to root.squashfs and put its root hash on the kernel command line (notos.verity=); stage 1 opens the root through dm-verity, so a changed block is an I/O error at run time, never served.",
      ),
    setuid: z
      .record(absolutePath, z.string().min(1, "a reason why the file needs its privileges"))
      .optional()
      .describe(
        "When set, the only regular files that keep setuid/setgid bits: path → why a configured feature needs it. Every other file's bits are cleared. Unset keeps the bits as the packages ship them.",
      ),
  })
  .superRefine((o, ctx) => {
    const problem = o.compressionLevel === undefined ? undefined : compressionLevelProblem(o.compression, o.compressionLevel);
    if (problem) ctx.addIssue({ code: "custom", path: ["compressionLevel"], message: `${problem} (rootfs.compression is "${o.compression}")` });
  })
  .prefault({});

/** The option paths @notos/rootfs declares, with their schemas. */
export const rootfsOptions = {
  rootfs: rootfsSchema,
  "environment.packages": packagesSchema,
};

declare module "@notos/core" {
  interface NotosOptions {
    rootfs: typeof rootfsSchema;
    "environment.packages": typeof packagesSchema;
  }
}

/** The system's `rootfs` options, defaults filled in. */
export type RootfsConfig = z.output<typeof rootfsSchema>;
