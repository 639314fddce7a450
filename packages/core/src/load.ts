// Finding and loading `notos.config.ts`: TypeScript on Node 20 without a
// build step (jiti), then evaluation. Turbo runs tasks inside package
// directories, so relative names are also tried from the repository root.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { createJiti } from "jiti";
import type { z } from "zod";
import type { Builder } from "./builder.js";
import type { FoundDeclaration } from "./declare.js";
import { NotosError, displayFile } from "./errors.js";
import { evalSystem } from "./eval.js";
import { isPlainObject } from "./merge.js";
import type { Module } from "./module.js";
import type { SystemConfig } from "./schema.js";

export const CONFIG_FILE = "notos.config.ts";
export const LOCK_FILE = "notos.lock.json";

export interface LoadOptions {
  /** The configuration file; otherwise NOTOS_SYSTEM, otherwise `notos.config.ts` searched upward from `cwd`. */
  file?: string;
  /** Where relative names and the upward search start (default: the process's working directory). */
  cwd?: string;
}

export interface LoadedSystem {
  config: SystemConfig;
  /** Absolute path of the configuration file. */
  file: string;
  /** Directory of the configuration file. */
  dir: string;
  /** `<dir>/notos.lock.json`. */
  lockFile: string;
  /** NOTOS_STORE (a relative value is taken from `dir`), or `<dir>/.notos/store`. */
  storeDir: string;
  /** Option path → files of the modules that set it. */
  definitions: Map<string, string[]>;
  /** The composed option schema of this system. */
  schema: z.ZodType;
  /** Each declared option path with its schema and the module that declared it. */
  declarations: FoundDeclaration[];
  /** The builders the system's modules add. */
  builders: Builder[];
  /** The files of the system's modules. */
  moduleFiles: string[];
}

/** The nearest directory at or above `from` holding the root turbo.json or .git. */
export function findRepoRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (isRootTurboJson(join(dir, "turbo.json")) || existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

// A package's own turbo.json `extends` the root one; only the root's counts.
function isRootTurboJson(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    return !("extends" in (JSON.parse(readFileSync(file, "utf8")) as object));
  } catch {
    return true;
  }
}

/** The places a configuration is looked for, in order. */
export function configCandidates(options: LoadOptions = {}): { candidates: string[]; source: string } {
  const cwd = resolve(options.cwd ?? process.cwd());
  const named = options.file ?? (process.env.NOTOS_SYSTEM || undefined);
  if (named !== undefined) {
    const source = options.file !== undefined ? "the given file" : "NOTOS_SYSTEM";
    if (isAbsolute(named)) return { candidates: [named], source };
    const root = findRepoRoot(cwd);
    const candidates = [resolve(cwd, named), ...(root ? [resolve(root, named)] : [])];
    return { candidates: [...new Set(candidates)], source };
  }
  const candidates: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    candidates.push(join(dir, CONFIG_FILE));
    if (dirname(dir) === dir) break;
  }
  return { candidates, source: `${CONFIG_FILE} in the working directory and above` };
}

/** Find the configuration file; throws naming every place it looked. */
export function findConfigFile(options: LoadOptions = {}): string {
  const { candidates, source } = configCandidates(options);
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (found) return found;
  throw new NotosError(`No notos configuration found (${source}). Looked for:\n${candidates.map((c) => `  ${c}`).join("\n")}`, {
    code: "CONFIG_NOT_FOUND",
    hint: `create ${CONFIG_FILE} at the repository root (\`export default defineSystem({ … })\`), or name a file with --system FILE or NOTOS_SYSTEM.`,
  });
}

/** Load a configuration file's default export through jiti (TypeScript, no build step). */
export async function importModuleFile(file: string): Promise<Module> {
  // No module cache: a long-running process (tests, watch mode) must see edits.
  const jiti = createJiti(import.meta.url, { moduleCache: false, interopDefault: false });
  let namespace: unknown;
  try {
    namespace = await jiti.import(file);
  } catch (error) {
    throw new NotosError(`Could not load ${displayFile(file)}: ${error instanceof Error ? error.message : String(error)}`, {
      code: "CONFIG_LOAD_FAILED",
      hint: "fix the error in the configuration file (NOTOS_LOG=debug shows the stack trace).",
      cause: error,
    });
  }
  const loaded = namespace !== null && typeof namespace === "object" && "default" in namespace ? namespace.default : undefined;
  if (loaded === undefined || loaded === null) {
    throw new NotosError(`${displayFile(file)} has no default export.`, {
      code: "CONFIG_NO_DEFAULT",
      hint: "end the file with `export default defineSystem({ … })`.",
    });
  }
  if (typeof loaded !== "function" && !isPlainObject(loaded)) {
    throw new NotosError(`The default export of ${displayFile(file)} is not a module: got ${typeof loaded}.`, {
      code: "CONFIG_NOT_A_MODULE",
      hint: "export an object of options: `export default defineSystem({ imports: [ … ], services: { … } })`.",
    });
  }
  return loaded as Module;
}

/** Find, load and evaluate the system configuration. */
export async function loadSystem(options: LoadOptions = {}): Promise<LoadedSystem> {
  const file = findConfigFile(options);
  return systemOf(await importModuleFile(file), { file });
}

export interface SystemOfOptions {
  /** The file the system is taken to be defined in: relative paths, the lock file and the store are found from it. */
  file: string;
  /** Another lock file (a test's copy, so it never rewrites the committed one). */
  lockFile?: string;
  /** Another store directory. */
  storeDir?: string;
}

/** Evaluate a module as a whole system, as if `file` defined it (tests, the bench, scripts that compose systems). */
export function systemOf(module: Module, options: SystemOfOptions): LoadedSystem {
  const file = resolve(options.file);
  const { config, definitions, schema, declarations, builders, moduleFiles } = evalSystem(module, { file });
  const dir = dirname(file);
  const store = process.env.NOTOS_STORE;
  return {
    config,
    file,
    dir,
    lockFile: options.lockFile ?? join(dir, LOCK_FILE),
    // One store per repository, so systems in subdirectories share the kernel and packages.
    storeDir: options.storeDir ?? (store ? resolve(dir, store) : join(findRepoRoot(dir) ?? dir, ".notos", "store")),
    definitions,
    declarations,
    schema,
    builders,
    moduleFiles,
  };
}
