// One build of the default system with the SBOM module, shared by the
// package's tests: built once per test file into the repository's store
// (other tests' builds of the same system answer from it), assembled into a
// dist/ of its own, with a copy of the committed lock (a test never rewrites it).
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assembleDist, buildSystem, type BuiltSystem } from "@notos/cli";
import { createReporter, loadSystem, type LoadedSystem } from "@notos/core";

export const repo = fileURLToPath(new URL("../../..", import.meta.url));

export interface TestBuild {
  system: LoadedSystem;
  built: BuiltSystem;
  dist: string;
}

/** The default system with the SBOM module (test/fixtures/systems/default). */
export const defaultSystemFile = join(repo, "packages", "sbom", "test", "fixtures", "systems", "default", "notos.config.ts");

/** Build a system file into a fresh dist/ of its own, locked as the repository's default system is. */
export async function buildInto(file: string, dir = mkdtempSync(join(tmpdir(), "notos-sbom-"))): Promise<TestBuild> {
  const system = await loadSystem({ file });
  const lockFile = join(dir, "notos.lock.json");
  copyFileSync(existsSync(system.lockFile) ? system.lockFile : join(repo, "notos.lock.json"), lockFile);
  const built = await buildSystem({ ...system, dir, lockFile }, { reporter: createReporter({ level: "warn" }) });
  const dist = join(dir, "dist");
  await assembleDist(dist, built, system.config);
  return { system, built, dist };
}
