// The kernel command line as a builder of its own. It used to be written by
// the initrd builder, so adding a kernel parameter rebuilt the initrd
// (busybox, modules, zstd -19: seconds) for one line of text. Now it reads
// exactly what `kernelCommandLine` reads; the initrd reads the root device
// too (stage 1's default root), so the two still agree on it.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { defineBuilder, type Artifact } from "@notos/core";
import { kernelCommandLine } from "./stage1.js";

/** Bump when the file's content changes for the same options. */
export const COMMAND_LINE_BUILDER_VERSION = "1";
/** The kernel command line (one line), in the entry and in dist/. */
export const COMMAND_LINE_FILE = "command-line";

export interface CommandLineArtifact extends Artifact {
  /** The command-line file (absolute path in the store entry): `kernelCommandLine(config)` and a newline. */
  file: string;
  /** The command line itself, without the newline. */
  text: string;
}

export const commandLine = defineBuilder({
  name: "command-line",
  version: COMMAND_LINE_BUILDER_VERSION,
  description: "The kernel command line stage 1 expects: root= and boot.kernelParams.",
  reads: ["boot.initrd.rootDevice", "boot.kernelParams"],
  async build({ options, out }): Promise<{ text: string }> {
    const text = kernelCommandLine(options);
    await fs.writeFile(join(out, COMMAND_LINE_FILE), text + "\n");
    return { text };
  },
  artifact: (entry): CommandLineArtifact => ({
    builder: entry.builder,
    path: entry.path,
    digest: entry.digest,
    cached: entry.cached,
    file: join(entry.path, COMMAND_LINE_FILE),
    text: entry.meta.text,
  }),
  dist: (artifact) => ({ [COMMAND_LINE_FILE]: artifact.file }),
});
