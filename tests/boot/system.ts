// Builds a variant of the repository's default system for a boot test, by
// the same builders and store `npm run dist` uses, into a temporary dist/.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createReporter, defineSystem, systemOf, type Module, type SystemConfig } from "@notos/core";
import { assembleDist, buildSystem } from "@notos/cli";
import { testInstrumentation } from "@notos/qemu";
import defaultSystem from "../../notos.config.ts";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface TestSystem {
  dist: string;
  config: SystemConfig;
  /** Private key whose public half root's authorized keys hold. */
  key: string;
  publicKey: string;
}

/** The default system plus the test shell, root's key made here, and `extra`. */
export async function buildTestSystem(extra: Module = {}): Promise<TestSystem> {
  const dir = mkdtempSync(join(tmpdir(), "notos-boot-"));
  const key = join(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "notos-boot-test", "-f", key]);
  const publicKey = readFileSync(`${key}.pub`, "utf8").trim();

  // The committed lock pins the packages; a test must never rewrite it.
  const lockFile = join(dir, "notos.lock.json");
  const repoLock = join(repoRoot, "notos.lock.json");
  if (existsSync(repoLock)) copyFileSync(repoLock, lockFile);

  const system = systemOf(
    defineSystem({
      imports: [defaultSystem, testInstrumentation, extra],
      users: { root: { authorizedKeys: [publicKey] } },
    }),
    {
      file: join(repoRoot, "tests", "boot", "system.ts"),
      lockFile,
      // The store `npm run dist` uses: a relative NOTOS_STORE counts from the
      // root, where notos.config.ts sits, not from this file's directory.
      storeDir: resolve(repoRoot, process.env.NOTOS_STORE || join(".notos", "store")),
    },
  );
  // buildSystem writes gc roots and rebuild records into the system's
  // directory. The repository's are `npm run dist`'s: its roots are what keep
  // dist/'s store entries from gc, so the test's go into its own directory.
  const built = await buildSystem({ ...system, dir }, { reporter: createReporter({ level: "warn" }) });
  const dist = join(dir, "dist");
  await assembleDist(dist, built, system.config);
  return { dist, config: system.config, key, publicKey };
}
