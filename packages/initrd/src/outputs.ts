// Copy an initrd artifact out of the store (the `dist` task's `out/`).
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { InitrdArtifact } from "./build.js";

/** Writes `outDir/initrd`. */
export async function writeInitrdOutputs(artifact: InitrdArtifact, outDir: string): Promise<void> {
  await fs.mkdir(outDir, { recursive: true });
  await fs.copyFile(artifact.file, join(outDir, "initrd"));
}
