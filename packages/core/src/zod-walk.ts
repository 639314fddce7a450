// Reading the option schema as data: which keys exist at a path, what type
// an option has, its default and description. Zod 4 keeps all of it in
// `schema._zod.def`.
import { z } from "zod";
import type { PathSegment } from "./path.js";

type AnySchema = z.ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  valueType?: AnySchema;
  keyType?: AnySchema;
  element?: AnySchema;
  options?: AnySchema[];
  in?: AnySchema;
  defaultValue?: unknown;
  entries?: Record<string, unknown>;
  values?: unknown[];
}

export function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "nonoptional", "catch"]);

/** The schema under default/optional/nullable wrappers and pipes. */
export function unwrapSchema(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else return s;
  }
}

/** The schema of the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(root: AnySchema, path: readonly PathSegment[]): AnySchema | undefined {
  let s: AnySchema | undefined = root;
  for (const segment of path) {
    if (!s) return undefined;
    const def = defOf(unwrapSchema(s));
    // Own keys only: "constructor" or "__proto__" in a user's config must not find Object's.
    if (def.type === "object" && typeof segment === "string") s = def.shape && Object.hasOwn(def.shape, segment) ? def.shape[segment] : undefined;
    else if (def.type === "record") s = def.valueType;
    else if (def.type === "array" && typeof segment === "number") s = def.element;
    else if (def.type === "union") {
      const branch: AnySchema | undefined = def.options?.find((o) => ["object", "record"].includes(defOf(unwrapSchema(o)).type));
      s = branch ? schemaAt(branch, [segment]) : undefined;
    } else return undefined;
  }
  return s;
}

/** The keys a fixed-shape object accepts at `path` (empty when any key is allowed or the path is unknown). */
export function knownKeys(root: AnySchema, path: readonly PathSegment[]): string[] {
  const s = schemaAt(root, path);
  if (!s) return [];
  const u = unwrapSchema(s);
  const def = defOf(u);
  if (def.type === "object") return Object.keys(def.shape ?? {});
  if (def.type === "union") {
    return def.options?.flatMap((o) => (defOf(unwrapSchema(o)).type === "object" ? Object.keys(defOf(unwrapSchema(o)).shape ?? {}) : [])) ?? [];
  }
  return [];
}

/** The first description found on the schema or its wrappers. */
export function descriptionOf(schema: AnySchema): string | undefined {
  let s: AnySchema | undefined = schema;
  while (s) {
    if (s.description) return s.description;
    const def = defOf(s);
    s = WRAPPERS.has(def.type) ? def.innerType : def.type === "pipe" ? def.in : undefined;
  }
  return undefined;
}

/** The default value, if any wrapper provides one. */
export function defaultOf(schema: AnySchema): { value: unknown } | undefined {
  let s: AnySchema | undefined = schema;
  while (s) {
    const def = defOf(s);
    if (def.type === "default") return { value: def.defaultValue };
    s = WRAPPERS.has(def.type) ? def.innerType : def.type === "pipe" ? def.in : undefined;
  }
  return undefined;
}

export function isOptional(schema: AnySchema): boolean {
  let s: AnySchema | undefined = schema;
  while (s) {
    const def = defOf(s);
    if (def.type === "optional" || def.type === "default" || def.type === "prefault") return true;
    s = WRAPPERS.has(def.type) ? def.innerType : undefined;
  }
  return false;
}

/** A NixOS-style type name: "string", "integer", "list of string", "attribute set of (submodule)", … */
export function typeName(schema: AnySchema): string {
  let nullable = false;
  for (let w: AnySchema | undefined = schema; w; ) {
    const d = defOf(w);
    if (d.type === "nullable") nullable = true;
    w = WRAPPERS.has(d.type) ? d.innerType : undefined;
  }
  const s = unwrapSchema(schema);
  const name = baseTypeName(s);
  return nullable ? `null or ${name}` : name;
}

function baseTypeName(s: AnySchema): string {
  const def = defOf(s);
  switch (def.type) {
    case "number":
      return (s as unknown as { format?: string }).format?.includes("int") ? "integer" : "number";
    case "enum":
      return `one of ${Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(", ")}`;
    case "literal":
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(" or ");
    case "array":
      return `list of ${wrapType(typeName(def.element!))}`;
    case "record":
      return `attribute set of ${wrapType(typeName(def.valueType!))}`;
    case "object":
      return "submodule";
    case "union":
      return (def.options ?? []).map(typeName).join(" or ");
    default:
      return def.type;
  }
}

function wrapType(name: string): string {
  return name.includes(" ") || name === "submodule" ? `(${name})` : name;
}

// Marks a string option as a host path relative to the module that sets it.
// A registered symbol on the schema object, so copies of core agree.
const MODULE_PATH = Symbol.for("notos.modulePath");

/**
 * A string option holding a host file path: a relative value is resolved
 * against the directory of the module that set it (NixOS's `types.path`).
 */
export function modulePath(description?: string): z.ZodString {
  const schema = description === undefined ? z.string() : z.string().describe(description);
  Object.defineProperty(schema, MODULE_PATH, { value: true });
  return schema;
}

export function isModulePath(schema: AnySchema): boolean {
  return (unwrapSchema(schema) as unknown as Record<symbol, unknown>)[MODULE_PATH] === true;
}
