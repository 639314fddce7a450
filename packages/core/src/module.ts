// Modules as in NixOS: each module sets some options, imports other modules,
// and the system is their merge. Values may carry a priority marker so that
// one module can override another without a conflict.
import { fileURLToPath } from "node:url";
import type { Builder } from "./builder.js";
import type { OptionDeclarations } from "./declare.js";
import type { SystemConfig, SystemOptions } from "./schema.js";

// A registered symbol, so markers made by another copy of @notos/core (a
// configuration loaded through jiti may import the built package while the
// CLI runs from source) are still recognised.
const OVERRIDE = Symbol.for("notos.override");
// Marks a function made by defineModule/defineSystem: only those may take `{ config }`, so a
// module factory put into `imports` uncalled (`openssh` for `openssh({…})`) is still caught.
const CONFIG_FUNCTION = Symbol.for("notos.configModule");

/** Whether `value` is a module function of `{ config }` made with defineModule or defineSystem. */
export function isConfigFunction(value: unknown): boolean {
  return typeof value === "function" && (value as unknown as Record<symbol, unknown>)[CONFIG_FUNCTION] === true;
}

/** Priorities as in NixOS: the lower number wins. */
export const priorities = { force: 50, plain: 100, default: 1000 } as const;

export interface Override<T> {
  readonly [OVERRIDE]: true;
  readonly priority: number;
  readonly value: T;
}

export function mkOverride<T>(priority: number, value: T): Override<T> {
  if (!Number.isFinite(priority)) throw new TypeError(`mkOverride: the priority must be a number, got ${String(priority)}`);
  return { [OVERRIDE]: true, priority, value };
}

/** A fallback that any plain definition replaces (priority 1000). */
export function mkDefault<T>(value: T): Override<T> {
  return mkOverride(priorities.default, value);
}

/** A value that replaces plain and default definitions (priority 50). */
export function mkForce<T>(value: T): Override<T> {
  return mkOverride(priorities.force, value);
}

export function isOverride(value: unknown): value is Override<unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[OVERRIDE] === true;
}

type Overridable<T> = T | Override<T>;

/** Every option optional at any depth, and any value may be wrapped in a priority marker. */
export type DeepOverridable<T> = T extends readonly unknown[]
  ? Overridable<T>
  : T extends object
    ? Overridable<{ [K in keyof T]?: DeepOverridable<T[K]> }>
    : Overridable<T>;

/** What a module may set: the option tree of `SystemOptions`, deep-partial, markers allowed. */
export type ModuleOptions = { [K in keyof SystemOptions]?: DeepOverridable<SystemOptions[K]> };

export interface ModuleDefinition extends ModuleOptions {
  /** Modules merged before this one. */
  imports?: Module[];
  /** Options this module declares (option path → zod schema); see `NotosOptions` for the type side. */
  options?: OptionDeclarations;
  /** Builders this module adds to the system: their layers go into the root, their files into dist/. */
  builders?: readonly Builder[];
  /** The file the module was defined in: relative etc `source` paths resolve against its directory, errors name it. */
  file?: string;
  /** A name for messages when there is no file. */
  name?: string;
}

/** What a module function receives: the evaluated configuration of the whole system (NixOS's `config`). */
export interface ModuleArguments {
  config: SystemConfig;
}

/**
 * A module: option values plus imports; or a function returning one, which
 * may read the evaluated configuration (`({ config }) => …`, for conditional
 * definitions). Its imports and declarations must not depend on `config`.
 */
export type Module = ModuleDefinition | (() => ModuleDefinition) | ((args: ModuleArguments) => ModuleDefinition);

const META_KEYS = new Set(["imports", "file", "name", "options", "builders"]);

/** The option values of a module without `imports`, `file` and `name`. */
export function moduleOptions(def: ModuleDefinition): Record<string, unknown> {
  return Object.fromEntries(Object.entries(def).filter(([k]) => !META_KEYS.has(k)));
}

/** A module, with `file` set to the file that called `defineModule` unless given. */
export function defineModule(def: ModuleDefinition): ModuleDefinition;
export function defineModule<F extends (args: ModuleArguments) => ModuleDefinition>(def: F): (...args: Parameters<F>) => ModuleDefinition;
export function defineModule(def: Module): Module {
  return withFile(def, callerFile());
}

/** The root module of a system (the default export of `notos.config.ts`), with `file` filled in like `defineModule`. */
export function defineSystem(def: ModuleDefinition): ModuleDefinition;
export function defineSystem<F extends (args: ModuleArguments) => ModuleDefinition>(def: F): (...args: Parameters<F>) => ModuleDefinition;
export function defineSystem(def: Module): Module {
  return withFile(def, callerFile());
}

function withFile<M extends Module>(def: M, file: string | undefined): M {
  if (typeof def === "function" && def.length === 1 && file === undefined) {
    Object.defineProperty(def, CONFIG_FUNCTION, { value: true });
    return def;
  }
  if (file === undefined) return def;
  if (typeof def === "function") {
    const factory = def as (args?: ModuleArguments) => ModuleDefinition;
    // Keep the arity: it tells evaluation whether the function reads the configuration.
    const fill = (result: ModuleDefinition) => (result && typeof result === "object" && result.file === undefined ? { ...result, file } : result);
    const wrapped = (factory.length > 0 ? (args: ModuleArguments) => fill(factory(args)) : () => fill(factory())) as M;
    Object.defineProperty(wrapped, "name", { value: factory.name });
    if (factory.length === 1) Object.defineProperty(wrapped, CONFIG_FUNCTION, { value: true });
    return wrapped;
  }
  if (typeof def !== "object" || def === null) return def;
  return (def as ModuleDefinition).file === undefined ? ({ ...def, file } as M) : def;
}

/**
 * The file of the code that called our caller, from a stack trace. Works for
 * ESM (file:// URLs), CommonJS and jiti-transpiled TypeScript (plain paths).
 * Frames from the file that holds this function (the source or the bundled
 * chunk) are skipped, so the answer does not depend on how core was built.
 */
export function callerFile(): string | undefined {
  const previousLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = previousLimit;
  const files = stack
    .split("\n")
    .slice(1)
    .map(frameFile)
    .filter((f): f is string => f !== undefined);
  // Skip every frame of core itself (its source directory, or the directory of its bundled chunks).
  const own = files[0] === undefined ? undefined : files[0].slice(0, files[0].lastIndexOf("/") + 1);
  return files.find((f) => own === undefined || !f.startsWith(own) || f.slice(own.length).includes("/"));
}

function frameFile(line: string): string | undefined {
  const match = /\(?((?:file:\/\/)?\/[^()]*?|[A-Za-z]:\\[^()]*?):\d+:\d+\)?\s*$/.exec(line.trim());
  if (!match?.[1]) return undefined;
  const location = match[1];
  if (location.startsWith("node:")) return undefined;
  return location.startsWith("file://") ? fileURLToPath(location) : location;
}
