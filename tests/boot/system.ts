// Builds a variant of the repository's default system for a boot test, by
// the same builders and store `npm run dist` uses, into a temporary dist/.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createReporter, defineSystem, evalSystem, Store, type Module, type SystemConfig } from "@notos/core";
import { buildDist, testInstrumentation } from "@notos/qemu";
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

  const { config, definitions } = evalSystem(
    defineSystem({
      imports: [defaultSystem, testInstrumentation, extra],
      users: { root: { authorizedKeys: [publicKey] } },
    }),
    { file: join(repoRoot, "tests", "boot", "system.ts") },
  );

  // The committed lock pins the packages; a test must never rewrite it.
  const lockFile = join(dir, "notos.lock.json");
  const repoLock = join(repoRoot, "notos.lock.json");
  if (existsSync(repoLock)) copyFileSync(repoLock, lockFile);

  const ctx = {
    config,
    store: new Store(process.env.NOTOS_STORE ?? join(repoRoot, ".notos", "store")),
    lockFile,
    reporter: createReporter({ level: "warn" }),
  };
  const dist = join(dir, "dist");
  await buildDist(ctx, dist, { definitions });
  return { dist, config, key, publicKey };
}
