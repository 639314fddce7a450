// The `debian` options belong to this package: every builder that takes
// packages from the archive reads them through its package source, and the
// lock file records the archive they describe. Declaring them here (rather
// than in core) puts the schema and its TypeScript type next to the code
// that interprets them; `debianModule` (module.ts) brings them into a system.
import { z } from "zod";

export const debianSchema = z
  .strictObject({
    suites: z.array(z.string()).default(["bookworm", "bookworm-updates", "bookworm-security"]).describe("Suites packages come from; the highest version wins."),
    components: z.array(z.string()).default(["main"]).describe("Archive components."),
    architecture: z.string().default("amd64").describe("Debian architecture."),
    mirror: z.string().url().optional().describe("Archive URL; by default the one the host's apt sources name (NOTOS_DEBIAN_MIRROR overrides)."),
    securityMirror: z.string().url().optional().describe("Security archive URL for the *-security suites; by default from the host's apt sources."),
    keyring: z.string().default("/usr/share/keyrings/debian-archive-keyring.gpg").describe("Keyring InRelease is verified against, unless the apt source names one."),
  })
  .prefault({});

/** The option paths @notos/debian declares, with their schemas. */
export const debianOptions = { debian: debianSchema };

// The option's type joins the system's, so `defineSystem({ debian: { … } })` type-checks.
declare module "@notos/core" {
  interface NotosOptions {
    debian: typeof debianSchema;
  }
}

/** The system's `debian` options, defaults filled in. */
export type DebianOptions = z.output<typeof debianSchema>;

