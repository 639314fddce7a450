// Copy a kernel artifact out of the store into a plain output directory
// (the `dist` task's `out/`).
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { KernelArtifact } from "./build.js";

/** Writes `bzImage`, `config`, `System.map` and `lib/modules/<version>/` (the module subset) into `outDir`. */
export async function writeKernelOutputs(artifact: KernelArtifact, outDir: string): Promise<void> {
  await fs.mkdir(outDir, { recursive: true });
  await fs.copyFile(artifact.image, join(outDir, "bzImage"));
  await fs.copyFile(artifact.config, join(outDir, "config"));
  await fs.copyFile(artifact.systemMap, join(outDir, "System.map"));
  const modules = join(outDir, "lib/modules");
  // A previous build's modules must not linger next to this one's.
  await fs.rm(modules, { recursive: true, force: true });
  await fs.cp(artifact.modulesDir, join(modules, artifact.version), { recursive: true });
}
