// Options belong to the package that reads them. A module declares its slice
// of the option tree (`options: { "banner": z.object(…) }`, keyed by option
// path), and core only composes: the system's schema is every declaration
// found among the system's modules, placed at its path, with plain
// namespaces in between. The TypeScript side is the same idea: a package
// widens `NotosOptions` by module augmentation, as Vite and Vitest plugins
// widen their config types, so `defineSystem({…})` checks exactly the options
// of the packages installed.
import { z } from "zod";
import { NotosError, displayFile } from "./errors.js";

/**
 * The option registry, widened by each package that declares options:
 *
 * ```ts
 * declare module "@notos/core" {
 *   interface NotosOptions { "banner": typeof bannerOptions }
 * }
 * ```
 *
 * Keys are option paths (dots separate namespaces), values zod schemas.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface NotosOptions {}

/** `{ a: { b: V } }` for the path "a.b" (shared with builder.ts's option slices). */
export type Nest<P extends string, V> = P extends `${infer Head}.${infer Rest}` ? { [K in Head]: Nest<Rest, V> } : { [K in P]: V };
// What modules write: every declared option may be left out.
type NestOptional<P extends string, V> = P extends `${infer Head}.${infer Rest}` ? { [K in Head]?: NestOptional<Rest, V> } : { [K in P]?: V };
export type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Registered = keyof NotosOptions & string;

/** The evaluated options of every declaring package (defaults filled in). */
export type DeclaredConfig = UnionToIntersection<
  { [P in Registered]: NotosOptions[P] extends z.ZodType ? Nest<P, z.output<NotosOptions[P]>> : never }[Registered]
>;
/** What modules may write for the declared options. */
export type DeclaredInput = UnionToIntersection<
  { [P in Registered]: NotosOptions[P] extends z.ZodType ? NestOptional<P, z.input<NotosOptions[P]>> : never }[Registered]
>;

/** Option path → schema, as a module carries it. */
export type OptionDeclarations = Record<string, z.ZodType>;

/** One declaration as found: the schema and the module that declared it. */
export interface FoundDeclaration {
  path: string;
  schema: z.ZodType;
  /** The declaring module's file or label. */
  file: string;
}

const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

interface Node {
  declared?: FoundDeclaration;
  children: Map<string, Node>;
}

/**
 * The system schema from the declarations: each at its path, namespaces as
 * strict objects that default to `{}`. The same schema object declared twice
 * (a module imported along two routes) counts once; two different schemas
 * at one path, or a declaration inside another, are errors naming both files.
 */
export function composeSchema(declarations: readonly FoundDeclaration[]): z.ZodType {
  const root: Node = { children: new Map() };
  for (const d of declarations) {
    if (!PATH.test(d.path)) {
      throw new NotosError(`${displayFile(d.file)} declares an option at ${JSON.stringify(d.path)}, which is not an option path.`, {
        code: "OPTION_DECLARATION",
        hint: "option paths are names separated by dots, e.g. \"banner\" or \"boot.kernel\".",
      });
    }
    let node = root;
    const segments = d.path.split(".");
    for (const [i, segment] of segments.entries()) {
      if (node.declared) throw overlap(d, node.declared);
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = { children: new Map() }));
      node = child;
      if (i === segments.length - 1) {
        if (node.declared && node.declared.schema !== d.schema) {
          throw new NotosError(`The option ${d.path} is declared twice: in ${displayFile(node.declared.file)} and in ${displayFile(d.file)}.`, {
            code: "OPTION_DECLARATION",
            hint: "an option belongs to one package; import that package's module instead of declaring the option again.",
          });
        }
        if (!node.declared && node.children.size) throw overlap(firstDeclared(node)!, d);
        node.declared ??= d;
      }
    }
  }
  return namespace(root);
}

function namespace(node: Node): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, child] of node.children) shape[key] = child.declared ? child.declared.schema : namespace(child).prefault({});
  return z.strictObject(shape);
}

function firstDeclared(node: Node): FoundDeclaration | undefined {
  if (node.declared) return node.declared;
  for (const child of node.children.values()) {
    const found = firstDeclared(child);
    if (found) return found;
  }
  return undefined;
}

function overlap(inner: FoundDeclaration, outer: FoundDeclaration): NotosError {
  return new NotosError(
    `The option ${inner.path} (declared in ${displayFile(inner.file)}) lies inside the option ${outer.path} (declared in ${displayFile(outer.file)}).`,
    { code: "OPTION_DECLARATION", hint: `declare ${inner.path} in the module that owns ${outer.path}, or move it out of that namespace.` },
  );
}
