// The systems the bench builds in-process, through the same builders and the
// same store as `npm run dist` and the boot tests: the repository's
// configuration as it is (sizes), and with the test shell and a root key
// made here (boot), like tests/boot/system.ts.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createJiti } from "jiti";
import { createReporter, defineSystem, systemOf, type Artifact, type LoadedSystem, type Module, type Reporter } from "@notos/core";
import type { BuiltSystem } from "@notos/cli";
// The standard options' types (users, services, …) come with the standard modules.
import type {} from "@notos/modules";
import { testInstrumentation } from "@notos/qemu";
import { repoRoot } from "./repo.js";

const CONFIG_FILE = join(repoRoot, "notos.config.ts");

/** Warnings only: the bench prints its own lines. */
export function benchReporter(): Reporter {
  return createReporter({ level: "warn" });
}

/**
 * The repository's configuration as a module. TypeScript on Node 20 through
 * jiti, as @notos/core's loader does (which does not export its importer).
 */
export async function importRepoSystem(): Promise<Module> {
  const jiti = createJiti(import.meta.url, { moduleCache: false });
  return (await jiti.import(CONFIG_FILE, { default: true })) as Module;
}

/**
 * `modules` as a system defined where notos.config.ts is, so the store is
 * the one `npm run dist` uses. The committed lock is copied into `dir`
 * (a bench never rewrites it), and `dir` is the system's directory: the roots
 * and rebuild records buildSystem keeps there stay out of the repository's.
 */
export function benchSystem(dir: string, modules: Module[]): LoadedSystem {
  const lockFile = join(dir, "notos.lock.json");
  const repoLock = join(repoRoot, "notos.lock.json");
  if (existsSync(repoLock) && !existsSync(lockFile)) copyFileSync(repoLock, lockFile);
  const system = systemOf(defineSystem({ imports: modules }), { file: CONFIG_FILE, lockFile });
  return { ...system, dir };
}

/** A builder's artifact from a build, by name; a system without that builder is not one the bench can measure. */
export function artifactOf<A extends Artifact>(built: BuiltSystem, builder: string): A {
  const artifact = built.artifacts.get(builder);
  if (!artifact) throw new Error(`the repository's system has no ${builder} builder (it has ${[...built.artifacts.keys()].join(", ")})`);
  return artifact as A;
}

/** An ed25519 key pair in `dir`, for root's authorized keys. */
export function makeKey(dir: string): { key: string; publicKey: string } {
  const key = join(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "notos-bench", "-f", key]);
  return { key, publicKey: readFileSync(`${key}.pub`, "utf8").trim() };
}

/** The modules that turn the repository's system into the bench's boot system. */
export function bootExtras(publicKey: string): Module[] {
  return [testInstrumentation, { users: { root: { authorizedKeys: [publicKey] } } }];
}
