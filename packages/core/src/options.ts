// The option reference: every option path with its type, default and
// description, read from the zod schema (for `notos options` and the docs).
import type { z } from "zod";
import { systemSchema } from "./schema.js";
import { defOf, defaultOf, descriptionOf, isOptional, typeName, unwrapSchema } from "./zod-walk.js";

export interface OptionDoc {
  /** e.g. `services.<name>.run`, `qemu.forwards.*.host`. */
  path: string;
  /** NixOS-style type: "string", "integer", "list of string", "attribute set of (submodule)", … */
  type: string;
  /** Whether a value is filled in when no module sets the option. */
  hasDefault: boolean;
  default?: unknown;
  /** True when the option must be set (no default, not optional). */
  required: boolean;
  description?: string;
}

/** Every option of the system schema, depth first in schema order. */
export function listOptions(schema: z.ZodType = systemSchema): OptionDoc[] {
  const out: OptionDoc[] = [];
  const walk = (s: z.ZodType, path: string, namespace: boolean) => {
    const inner = unwrapSchema(s);
    const def = defOf(inner);
    // Fixed-shape objects reached only through other objects are namespaces, not options.
    if (def.type === "object" && namespace) {
      for (const [key, child] of Object.entries(def.shape ?? {})) walk(child, path ? `${path}.${key}` : key, true);
      return;
    }
    out.push(doc(s, path));
    const submodule = (child: z.ZodType | undefined): child is z.ZodType => child !== undefined && defOf(unwrapSchema(child)).type === "object";
    if (def.type === "record" && submodule(def.valueType)) walk(def.valueType, `${path}.<name>`, true);
    if (def.type === "array" && submodule(def.element)) walk(def.element, `${path}.*`, true);
    if (def.type === "object") for (const [key, child] of Object.entries(def.shape ?? {})) walk(child, `${path}.${key}`, true);
  };
  walk(schema, "", true);
  return out;
}

function doc(schema: z.ZodType, path: string): OptionDoc {
  const dflt = defaultOf(schema);
  const description = descriptionOf(schema);
  return {
    path,
    type: typeName(schema),
    hasDefault: dflt !== undefined,
    ...(dflt !== undefined ? { default: dflt.value } : {}),
    required: !isOptional(schema),
    ...(description !== undefined ? { description } : {}),
  };
}
