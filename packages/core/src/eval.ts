// Evaluation of a system: collect the modules, merge their definitions,
// validate the result against the option schema, and explain every problem
// in terms of option paths and the module files that set them.
import { dirname, isAbsolute, resolve } from "node:path";
import type { z } from "zod";
import { ConfigError, NotosError, displayFile, type ConfigIssue } from "./errors.js";
import { mergeDefinitions, isPlainObject, show, type Definition } from "./merge.js";
import type { Builder } from "./builder.js";
import { composeSchema, type FoundDeclaration } from "./declare.js";
import { isConfigFunction, isOverride, mkOverride, moduleOptions, type Module, type ModuleArguments, type ModuleDefinition } from "./module.js";
import { formatPath, type PathSegment } from "./path.js";
import { canonicalJson } from "./store.js";
import { ownDeclarations, type SystemConfig } from "./schema.js";
import { closest } from "./suggest.js";
import { isModulePath, knownKeys, schemaAt } from "./zod-walk.js";

export interface EvaluatedSystem {
  config: SystemConfig;
  /** Option path (as `formatPath` prints it) → files of the modules that set it. */
  definitions: Map<string, string[]>;
  /** The composed option schema: core's options and every module's declarations. */
  schema: z.ZodType;
  /** Who declared what: each declared option path once, with its schema and the first module (file or label) that declared it. */
  declarations: FoundDeclaration[];
  /** The builders the modules add, each once, in module order. */
  builders: Builder[];
  /** The files of the system's modules (those with a known file), in evaluation order. */
  moduleFiles: string[];
}

export interface EvalOptions {
  /** The root module's file when the module does not carry one (the loader passes the configuration file). */
  file?: string;
}

/** A module as collected: its definition and the file (or label) that names it in messages. */
export interface CollectedModule {
  definition: ModuleDefinition;
  /** Absolute file path, when known. */
  file?: string;
  /** The file, or a description of a module without one. */
  label: string;
}

/** Thrown by the configuration a module function sees before there is one (the first round of evaluation). */
class NotYetEvaluated extends Error {}

const notYet = (): never => {
  throw new NotYetEvaluated();
};
const pendingConfig: SystemConfig = new Proxy({} as SystemConfig, { get: notYet, has: notYet, ownKeys: notYet, getOwnPropertyDescriptor: notYet });

/**
 * Every module reachable from `root`, imports before their importer, each
 * module object once. Module functions that take `{ config }` receive
 * `config` (or, without one, are left out of this round).
 */
export function collectModules(root: Module, options: EvalOptions = {}, config: SystemConfig = pendingConfig): CollectedModule[] {
  const seen = new Set<unknown>();
  const out: CollectedModule[] = [];
  const visit = (module: Module, importer: string | undefined, isRoot: boolean, trail: string): void => {
    if (seen.has(module)) return;
    seen.add(module);
    let definition: unknown = module;
    if (typeof module === "function") {
      if (module.length > 0 && !isConfigFunction(module)) {
        throw new NotosError(`${trail} is a function that takes arguments; a module function takes none (or is a \`defineModule(({ config }) => …)\`).`, {
          code: "MODULE_INVALID",
          hint: "call the module factory in `imports`, e.g. `openssh({ authorizedKeys })` instead of `openssh`.",
        });
      }
      if (module.length === 1) {
        const args: ModuleArguments = { config };
        try {
          definition = (module as (a: ModuleArguments) => ModuleDefinition)(args);
        } catch (error) {
          if (error instanceof NotYetEvaluated) return;
          throw error;
        }
      } else {
        definition = (module as () => ModuleDefinition)();
      }
      if (seen.has(definition)) return;
      seen.add(definition);
    }
    if (!isPlainObject(definition)) {
      throw new NotosError(`${trail} is not a module: expected an object of options (or a function returning one), got ${describeValue(definition)}.`, {
        code: "MODULE_INVALID",
        hint: "a module looks like `defineModule({ services: { … }, imports: [ … ] })`.",
      });
    }
    const def = definition as ModuleDefinition;
    for (const key of ["file", "name"] as const) {
      if (def[key] !== undefined && typeof def[key] !== "string") {
        throw new NotosError(`\`${key}\` of ${trail} must be a string, got ${describeValue(def[key])}.`, {
          code: "MODULE_INVALID",
          hint: `\`${key}\` is the module's own ${key === "file" ? "file (defineModule fills it in)" : "name for messages"}; leave it out or give a string.`,
        });
      }
    }
    if (def.builders !== undefined && !Array.isArray(def.builders)) {
      throw new NotosError(`\`builders\` of ${trail} must be a list of builders, got ${describeValue(def.builders)}.`, { code: "MODULE_INVALID", hint: "add builders as `builders: [myBuilder]` (each made with defineBuilder)." });
    }
    if (def.options !== undefined && (!isPlainObject(def.options) || !Object.values(def.options).every((s) => typeof (s as { safeParse?: unknown } | null)?.safeParse === "function"))) {
      throw new NotosError(`\`options\` of ${trail} must map option paths to zod schemas, got ${describeValue(def.options)}.`, { code: "MODULE_INVALID", hint: "declare options as `options: { \"my.option\": z.string().default(\"…\") }`." });
    }
    const given = def.file ?? (isRoot ? options.file : undefined);
    const file = given === undefined ? undefined : resolve(given);
    const fnName = typeof module === "function" && module.name ? module.name : undefined;
    // A named module from a package says its name and where it lives; a user's file is named by its path.
    const label =
      def.name && file
        ? `module "${def.name}" (${displayFile(file)})`
        : (file ?? (def.name ? `module "${def.name}"` : fnName ? `module ${fnName}()` : importer ? `a module imported by ${displayFile(importer)}` : "the root module"));
    if (def.imports !== undefined && !Array.isArray(def.imports)) {
      throw new NotosError(`\`imports\` of ${displayFile(label)} must be a list of modules, got ${describeValue(def.imports)}.`, { code: "MODULE_INVALID" });
    }
    (def.imports ?? []).forEach((m, i) => visit(m, label, false, `imports[${i}] of ${displayFile(label)}`));
    out.push({ definition: def, label, ...(file ? { file } : {}) });
  };
  visit(root, undefined, true, "the root module");
  return out;
}

/** Rounds of evaluation before module functions of `config` must have settled. */
const MAX_ROUNDS = 10;

/**
 * Merge and validate the modules reachable from `root`; throws `ConfigError`
 * listing every problem. Module functions of `{ config }` are evaluated to a
 * fixed point: each round gives them the previous round's configuration,
 * until the configuration stops changing.
 */
export function evalSystem(root: Module, options: EvalOptions = {}): EvaluatedSystem {
  let config: SystemConfig = pendingConfig;
  let previous: string | undefined;
  const readsConfig = usesConfig(root, options);
  for (let round = 1; ; round++) {
    const attempt = evalRound(collectModules(root, options, config));
    if (!readsConfig) return finish(attempt);
    // Settled when the definitions stop changing; an invalid round keeps the last valid configuration.
    const text = canonicalJson(attempt.merged);
    if (text === previous) return finish(attempt);
    if (round === MAX_ROUNDS) {
      throw new NotosError(`The configuration does not settle: module functions of \`config\` still change it after ${MAX_ROUNDS} rounds.`, {
        code: "CONFIG_DIVERGES",
        hint: "a module function must not set an option from a value it changes itself (e.g. `x: config.x + 1`).",
      });
    }
    previous = text;
    config = attempt.config ?? (config === pendingConfig ? (attempt.merged as SystemConfig) : config);
  }
}

function finish(attempt: Round): EvaluatedSystem {
  if (attempt.issues.length) throw new ConfigError(attempt.issues);
  return {
    config: attempt.config!,
    definitions: attempt.definitions,
    schema: attempt.schema,
    declarations: attempt.declarations,
    builders: attempt.builders,
    moduleFiles: attempt.moduleFiles,
  };
}

interface Round {
  config?: SystemConfig;
  merged: unknown;
  issues: ConfigIssue[];
  definitions: Map<string, string[]>;
  schema: z.ZodType;
  declarations: FoundDeclaration[];
  builders: Builder[];
  moduleFiles: string[];
}

function usesConfig(root: Module, options: EvalOptions): boolean {
  let found = false;
  const read = (): never => {
    found = true;
    throw new NotYetEvaluated();
  };
  const probe = new Proxy({} as SystemConfig, { get: read, has: read, ownKeys: read, getOwnPropertyDescriptor: read });
  try {
    collectModules(root, options, probe);
  } catch {
    // Errors surface in the real rounds.
  }
  return found;
}

function evalRound(modules: CollectedModule[]): Round {
  const issues: ConfigIssue[] = [];
  const declarations: FoundDeclaration[] = [...ownDeclarations];
  const builders: Builder[] = [];
  for (const m of modules) {
    for (const [path, schema] of Object.entries(m.definition.options ?? {})) declarations.push({ path, schema, file: m.label });
    for (const b of m.definition.builders ?? []) if (!builders.includes(b)) builders.push(b);
  }
  const schema = composeSchema(declarations);
  const defs: Definition[] = modules.map((m) => ({
    file: m.label,
    value: resolveModulePaths(moduleOptions(m.definition), m, schema, issues),
  }));
  const merged = mergeDefinitions(defs);
  issues.push(...merged.conflicts.map(({ path, message, files }) => ({ path, message, files })));
  const conflictPaths = merged.conflicts.map((c) => c.segments);

  const result = schema.safeParse(merged.value ?? {});
  if (!result.success) {
    for (const issue of zodIssues(schema, result.error.issues, [], merged.value)) {
      if (conflictPaths.some((c) => isPrefix(c, issue.segments))) continue;
      issues.push({ path: formatPath(issue.segments), message: issue.message, files: filesAt(merged.definitions, issue.segments) });
    }
  }
  return {
    ...(result.success ? { config: result.data as SystemConfig } : {}),
    merged: merged.value ?? {},
    issues,
    definitions: merged.definitions,
    schema,
    // composeSchema has refused two different schemas at one path: the first of each path is the one.
    declarations: declarations.filter((d, i) => declarations.findIndex((e) => e.path === d.path) === i),
    builders,
    moduleFiles: [...new Set(modules.flatMap((m) => (m.file ? [m.file] : [])))],
  };
}

/**
 * A module's relative paths, made absolute against the module file's
 * directory, wherever the option's schema is a `modulePath()` — so a package
 * that reads host files named by its options gets them as the user meant.
 */
function resolveModulePaths(options: Record<string, unknown>, module: CollectedModule, schema: z.ZodType, issues: ConfigIssue[]): Record<string, unknown> {
  const walk = (value: unknown, segments: PathSegment[]): unknown =>
    mapMarked(value, (v) => {
      if (Array.isArray(v)) return v.map((item, i) => walk(item, [...segments, i]));
      if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, [...segments, k])]));
      if (typeof v !== "string" || isAbsolute(v)) return v;
      const at = schemaAt(schema, segments);
      if (!at || !isModulePath(at)) return v;
      if (module.file) return resolve(dirname(module.file), v);
      issues.push({
        path: formatPath(segments),
        message: `relative path ${JSON.stringify(v)} in a module without a known file; use an absolute path, or wrap the module in defineModule(…) so its file is known`,
        files: [module.label],
      });
      return v;
    });
  return walk(options, []) as Record<string, unknown>;
}

/** Apply `f` under any priority markers, keeping them. */
function mapMarked(value: unknown, f: (v: unknown) => unknown): unknown {
  return isOverride(value) ? mkOverride(value.priority, mapMarked(value.value, f)) : f(value);
}

interface LocatedMessage {
  segments: PathSegment[];
  message: string;
}

type ZodIssue = z.core.$ZodIssue;

function zodIssues(schema: z.ZodType, list: readonly ZodIssue[], base: PathSegment[], root: unknown): LocatedMessage[] {
  const out: LocatedMessage[] = [];
  for (const issue of list) {
    const segments = [...base, ...issue.path.map((p) => (typeof p === "number" ? p : String(p)))];
    const value = valueAt(root, segments);
    const got = `, got ${describeValue(value)}`;
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeys(schema, segments);
        for (const key of issue.keys) {
          const guess = closest(key, known);
          out.push({
            segments: [...segments, key],
            message: `unknown option${guess ? `; did you mean "${guess}"?` : known.length ? `; known options here: ${known.join(", ")}` : ""}`,
          });
        }
        break;
      }
      case "invalid_type":
        out.push({ segments, message: value === undefined ? `expected ${issue.expected}, but it is not set (the option is required)` : `expected ${issue.expected}${got}` });
        break;
      case "invalid_value":
        out.push({ segments, message: `expected ${issue.values.length === 1 ? show(issue.values[0]) : `one of ${issue.values.map((v) => show(v)).join(", ")}`}${got}` });
        break;
      case "invalid_union": {
        // A branch whose problems are all inside the value matched its shape: report those.
        const deep = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
        if (deep) {
          out.push(...zodIssues(schema, deep, segments, root));
        } else {
          const expected = issue.errors.flatMap((branch) => branch.filter((i) => i.code === "invalid_type" && i.path.length === 0).map((i) => (i as { expected: string }).expected));
          out.push({ segments, message: `expected ${expected.length ? [...new Set(expected)].join(" or ") : "a different value"}${got}` });
        }
        break;
      }
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const op = issue.code === "too_small" ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
        const what = issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint" ? "a number" : issue.origin === "string" ? "a length" : "a count of entries";
        out.push({ segments, message: `expected ${what} ${op} ${String(bound)}${got}` });
        break;
      }
      case "invalid_format": {
        const custom = !issue.message.startsWith("Invalid");
        const expected = custom ? issue.message : issue.format === "regex" && issue.pattern ? `a string matching ${issue.pattern}` : `a valid ${issue.format}`;
        out.push({ segments, message: `expected ${expected}${got}` });
        break;
      }
      default:
        out.push({ segments, message: issue.message });
    }
  }
  return out;
}

function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let v = root;
  for (const s of segments) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

/** The files that set the option at `segments`, or else the nearest enclosing option that has any. */
function filesAt(definitions: Map<string, string[]>, segments: readonly PathSegment[]): string[] {
  for (let n = segments.length; n > 0; n--) {
    const files = definitions.get(formatPath(segments.slice(0, n)));
    if (files?.length) return files;
  }
  return [];
}

function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list ${show(value)}`;
  if (typeof value === "object") return `an object ${show(value)}`;
  if (typeof value === "function") return "a function";
  return `${typeof value} ${show(value)}`;
}
