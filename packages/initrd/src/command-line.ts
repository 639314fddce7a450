// The kernel command line as a builder of its own. It used to be written by
// the initrd builder, so adding a kernel parameter rebuilt the initrd
// (busybox, modules, zstd -19: seconds) for one line of text. Now it reads
// exactly what `kernelCommandLine` reads; the initrd reads the root device
// too (stage 1's default root), so the two still agree on it. Builders
// anywhere add parameters by the "command-line-part" role, such as the
// rootfs builder's `notos.verity=` (the root hash of root.squashfs): what
// signs the command line then signs them too.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { defineBuilder, defineCollection, type Artifact } from "@notos/core";
import { kernelCommandLine } from "./stage1.js";

/** Bump when the file's content changes for the same options. */
export const COMMAND_LINE_BUILDER_VERSION = "1";
/** The kernel command line (one line), in the entry and in dist/. */
export const COMMAND_LINE_FILE = "command-line";

/** What a builder with the "command-line-part" role gives: kernel parameters appended to the command line. */
export interface CommandLinePartArtifact extends Artifact {
  /** Parameters after `boot.kernelParams`, in order; none is fine. */
  kernelParams: readonly string[];
}

/** The role that puts a builder's `kernelParams` on the kernel command line. */
export const COMMAND_LINE_PART_ROLE = "command-line-part";
/** Every builder of the system with the "command-line-part" role, in name order: their parameters go after `boot.kernelParams`. */
export const commandLineParts = defineCollection<CommandLinePartArtifact>(COMMAND_LINE_PART_ROLE);

export interface CommandLineArtifact extends Artifact {
  /** The command-line file (absolute path in the store entry): `kernelCommandLine(config)` and a newline. */
  file: string;
  /** The command line itself, without the newline. */
  text: string;
}

export const commandLine = defineBuilder({
  name: "command-line",
  version: COMMAND_LINE_BUILDER_VERSION,
  description: "The kernel command line stage 1 expects: root=, boot.kernelParams, then the parameters of the command-line parts (e.g. the root's notos.verity=).",
  reads: ["boot.initrd.rootDevice", "boot.kernelParams"],
  inputs: { parts: commandLineParts },
  async build({ options, inputs: { parts }, out }): Promise<{ text: string }> {
    const text = [kernelCommandLine(options), ...parts.flatMap((p) => p.kernelParams)].join(" ");
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
