// The systems the bench builds in-process, through the same builders and the
// same store as `npm run dist` and the boot tests: the repository's
// configuration as it is (sizes), and with the test shell and a root key
// made here (boot), like tests/boot/system.ts.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createJiti } from "jiti";
import { createReporter, defineSystem, evalSystem, Store, type BuildContext, type Module, type SystemConfig } from "@notos/core";
import { testInstrumentation } from "@notos/qemu";
import { repoRoot } from "./repo.js";

export interface BenchContext extends BuildContext {
  definitions: Map<string, string[]>;
}

/** The repository's store (NOTOS_STORE, else .notos/store), shared with `npm run dist`. */
export function repoStore(): Store {
  return new Store(process.env.NOTOS_STORE ?? join(repoRoot, ".notos", "store"));
}

/**
 * The repository's configuration as a module. TypeScript on Node 20 through
 * jiti, as @notos/core's loader does (which does not export its importer).
 */
async function importRepoSystem(file: string): Promise<Module> {
  const jiti = createJiti(import.meta.url, { moduleCache: false });
  return (await jiti.import(file, { default: true })) as Module;
}

/** A build context for the repository's configuration plus `extra`, with the committed lock copied into `dir` (never rewritten). */
export async function benchContext(dir: string, extra: Module[] = []): Promise<BenchContext> {
  const configFile = join(repoRoot, "notos.config.ts");
  const repoSystem = await importRepoSystem(configFile);
  const { config, definitions } = evalSystem(defineSystem({ imports: [repoSystem, ...extra] }), { file: configFile });
  const lockFile = join(dir, "notos.lock.json");
  const repoLock = join(repoRoot, "notos.lock.json");
  if (existsSync(repoLock)) copyFileSync(repoLock, lockFile);
  return { config, definitions, store: repoStore(), lockFile, reporter: createReporter({ level: "warn" }) };
}

/** The same context with another configuration (e.g. another initrd compressor). */
export function withConfig(ctx: BenchContext, config: SystemConfig): BenchContext {
  return { ...ctx, config };
}

/** An ed25519 key pair in `dir`, for root's authorized keys. */
export function makeKey(dir: string): { key: string; publicKey: string } {
  const key = join(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "notos-bench", "-f", key]);
  return { key, publicKey: readFileSync(`${key}.pub`, "utf8").trim() };
}

/** The module that turns the repository's system into the bench's boot system. */
export function bootExtras(publicKey: string): Module[] {
  return [testInstrumentation, { users: { root: { authorizedKeys: [publicKey] } } }];
}
