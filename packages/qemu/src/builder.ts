// The launcher as a builder: `runvm` in dist/, generated from the system's
// `qemu` options (and its name, for the banner). It needs no other builder's
// output — the script finds kernel, initrd, root.squashfs and command-line
// beside itself — so this package stays free of the builders.
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineBuilder, defineModule, type Artifact } from "@notos/core";
import { qemuOptions } from "./options.js";
import { runvmScript } from "./runvm.js";

export interface RunvmArtifact extends Artifact {
  /** The runvm script in the store entry. */
  script: string;
}

export const runvm = defineBuilder({
  name: "runvm",
  version: "3",
  description: "dist/runvm: boots the files beside it with qemu-system-x86_64 (KVM when a probe shows it works, else TCG).",
  reads: ["qemu", "system.name", "system.version"],
  async build({ options, out }) {
    const file = join(out, "runvm");
    await writeFile(file, runvmScript(options));
    await chmod(file, 0o755);
    return {};
  },
  artifact: (entry): RunvmArtifact => ({ builder: "runvm", path: entry.path, digest: entry.digest, cached: entry.cached, script: join(entry.path, "runvm") }),
  dist: (a) => ({ runvm: a.script }),
});

/** Adds runvm to a system's dist/, and declares the `qemu` options it reads. */
export const runvmModule = defineModule({ name: "@notos/qemu", options: qemuOptions, builders: [runvm] });
