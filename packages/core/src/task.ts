// The `dist` script of every OS package: load the system, run the package's
// builder against the store, report, write `out/` atomically and record GC
// roots. Errors end the process with a readable message and status 1.
import { basename, dirname, join, resolve } from "node:path";
import { replaceDirectory } from "./atomic.js";
import type { Artifact, BuildContext } from "./build.js";
import { formatError, NotosError } from "./errors.js";
import { loadSystem, type LoadedSystem } from "./load.js";
import { createReporter } from "./progress.js";
import { writeRoots } from "./roots.js";
import { Store } from "./store.js";

export interface TaskContext extends BuildContext {
  system: LoadedSystem;
}

/** The value of `--system FILE` (or `--system=FILE`) in an argument list. */
export function systemArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--system") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new NotosError("--system needs a file name.", { code: "USAGE", hint: "e.g. --system systems/build-machine.ts" });
      return value;
    }
    if (arg.startsWith("--system=")) return arg.slice("--system=".length);
  }
  return undefined;
}

export async function runTask<A extends Artifact>(
  name: string,
  run: (ctx: TaskContext) => Promise<A | A[]>,
  write: (artifacts: A[], outDir: string) => Promise<void>,
): Promise<void> {
  try {
    const file = systemArgument(process.argv.slice(2));
    const system = await loadSystem(file !== undefined ? { file } : {});
    const store = new Store(system.storeDir);
    const reporter = createReporter({ builder: name });
    const started = performance.now();
    const result = await run({ config: system.config, store, lockFile: system.lockFile, reporter, system });
    const artifacts = Array.isArray(result) ? result : [result];
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    for (const a of artifacts) process.stdout.write(`${a.builder}: ${a.cached ? "cached" : `built in ${seconds}s`}\n`);
    // Roots first, so a gc running meanwhile cannot take entries the new out/ came from.
    const storeDir = resolve(system.storeDir);
    await writeRoots(
      system.dir,
      name,
      artifacts.filter((a) => dirname(resolve(a.path)) === storeDir).map((a) => basename(a.path)),
    );
    await replaceDirectory(join(process.cwd(), "out"), (dir) => write(artifacts, dir));
  } catch (error) {
    process.stderr.write(formatError(error) + "\n");
    process.exit(1);
  }
}
