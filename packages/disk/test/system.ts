// The disk system (systems/disk: the default system with diskModule) built
// for tests by the same builders and store `npm run dist` uses, plus the
// test shell and root's key made here. Built once per test file; the
// store answers every later build, so test files share the work.
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assembleDist, buildSystem, type BuiltSystem } from "@notos/cli";
import { createReporter, defineSystem, systemOf, type Module, type SystemConfig } from "@notos/core";
import { testInstrumentation } from "@notos/qemu";
// The default system's modules: their options (users, services, …) join the configuration's type.
import "@notos/modules";

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

export interface DiskTestSystem {
  dir: string;
  dist: string;
  config: SystemConfig;
  built: BuiltSystem;
  /** Private key whose public half root's authorized keys hold. */
  key: string;
}

/** One test key for the disk and sign tests (test-support/test-key.ts). */
import { testKey } from "../../../test-support/test-key.js";
export { testKey };

/** The disk system plus the test shell, a key made here and `extra`, built into a temporary dist/. */
export async function buildDiskSystem(extra: Module = {}, options: { storeDir?: string; dir?: string } = {}): Promise<DiskTestSystem> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "notos-disk-"));
  const key = testKey();
  const publicKey = readFileSync(`${key}.pub`, "utf8").trim();
  // The committed lock pins the packages; a test never rewrites it.
  const lockFile = join(dir, "notos.lock.json");
  const repoLock = join(repoRoot, "systems", "disk", "notos.lock.json");
  if (existsSync(repoLock)) copyFileSync(repoLock, lockFile);
  // Loaded at run time, as the CLI loads it: the system file is TypeScript outside this package.
  const diskSystem = ((await import(join(repoRoot, "systems", "disk", "notos.config.ts"))) as { default: Module }).default;
  const system = systemOf(
    defineSystem({ imports: [diskSystem, testInstrumentation, extra], users: { root: { authorizedKeys: [publicKey] } } }),
    { file: join(repoRoot, "systems", "disk", "notos.config.ts"), lockFile, storeDir: options.storeDir ?? resolve(repoRoot, process.env.NOTOS_STORE || join(".notos", "store")) },
  );
  const built = await buildSystem({ ...system, dir }, { reporter: createReporter({ level: "warn" }) });
  const dist = join(dir, "dist");
  await assembleDist(dist, built, system.config);
  return { dir, dist, config: system.config, built, key };
}
