// Each node's system is built by the builders `notos dist` runs, into a dist/
// of its own: the store (the repository's, as for `npm run dist`) answers
// every builder whose inputs did not change, so a second run of a test
// rebuilds only what the test's key and names change (the etc layer and the
// root), and nodes of one test process share one build per configuration.
import { copyFileSync, existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createReporter, systemOf, type Module, type SystemConfig } from "@notos/core";
import { assembleDist, buildSystem } from "@notos/cli";

export interface BuiltNode {
  dist: string;
  config: SystemConfig;
}

export interface BuildOptions {
  /** The lock file the packages come from; default: the nearest notos.lock.json above the working directory. It is copied, never rewritten. */
  lockFile?: string;
  /** The store; default the repository's (NOTOS_STORE, or .notos/store at its root). */
  storeDir?: string;
}

/** The nearest file named `name` in `dir` or above it. */
export function findUp(name: string, dir = process.cwd()): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, name))) return join(d, name);
    if (dirname(d) === d) return undefined;
  }
}

/** Build one node's system into a fresh dist/. */
export async function buildNode(name: string, module: Module, options: BuildOptions = {}): Promise<BuiltNode> {
  const dir = await mkdtemp(join(tmpdir(), `notos-test-${name}-`));
  const source = options.lockFile ?? findUp("notos.lock.json");
  const lockFile = join(dir, "notos.lock.json");
  if (source && existsSync(source)) copyFileSync(source, lockFile);
  // The system "file" sits where the lock was found, so the store is the repository's.
  const root = source ? dirname(resolve(source)) : process.cwd();
  const system = systemOf(module, { file: join(root, `${name}.test-node.ts`), lockFile, ...(options.storeDir ? { storeDir: options.storeDir } : {}) });
  // gc roots and rebuild records go into the test's own directory, never the repository's.
  const built = await buildSystem({ ...system, dir }, { reporter: createReporter({ level: "warn" }) });
  const dist = join(dir, "dist");
  await assembleDist(dist, built, system.config);
  return { dist, config: system.config };
}
