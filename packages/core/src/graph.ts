// The system's build graph, as data: the builders its modules add, the
// builders their inputs pull in, and the members of every collection. One
// run realises each builder once (memoised), inputs first, independent
// builders side by side; each answers from the store when its key — its
// option slice, its input digests, its locked packages, its fingerprint (what
// it reads outside the configuration), its version — is already there
// (early cutoff).
import type { z } from "zod";
import type { Artifact } from "./build.js";
import { isBuilder, isCollection, isSlot, type Builder, type LockedDeb, type PackageSetSpec, type PackageSource } from "./builder.js";
import { NotosError } from "./errors.js";
import type { Reporter } from "./progress.js";
import { storeKey, type KeyInputs, type Store } from "./store.js";
import { schemaAt } from "./zod-walk.js";

export interface BuildGraph {
  /** Every builder of the system, inputs before the builders that take them. */
  builders: readonly Builder[];
  /** A builder by name. */
  get(name: string): Builder | undefined;
  /** The builders behind one input of a builder (one, or a collection's members in name order). */
  inputBuilders(builder: Builder, input: string): Builder[];
  /** Names of the builders a builder takes, directly. */
  dependencies(builder: Builder): string[];
}

/** The graph of `roots` and everything their inputs need; throws on duplicate names, unknown inputs and cycles. */
export function buildGraph(roots: readonly Builder[]): BuildGraph {
  const byName = new Map<string, Builder>();
  const add = (b: Builder, via: string): void => {
    const known = byName.get(b.name);
    if (known === b) return;
    if (known) {
      throw new NotosError(`Two different builders are named ${JSON.stringify(b.name)} (${via}).`, {
        code: "BUILDER_NAME",
        hint: "builder names are unique in a system; two copies of one builder package (different versions) cause this too — `npm ls` shows them.",
      });
    }
    byName.set(b.name, b);
    for (const [input, spec] of Object.entries(b.inputs)) {
      if (isBuilder(spec)) add(spec, `input ${input} of ${b.name}`);
      else if (!isCollection(spec) && !isSlot(spec)) throw new NotosError(`Input ${input} of builder ${b.name} is neither a builder, a collection nor a slot.`, { code: "BUILDER_INPUT" });
    }
  };
  for (const b of roots) {
    if (!isBuilder(b)) throw new NotosError(`A module's \`builders\` holds something that is not a builder (made with defineBuilder or defineLayer).`, { code: "BUILDER_INVALID" });
    add(b, "added by a module");
  }
  // Slots: the one builder of the system that provides the role, else the
  // slot's default — added (with what it takes) only when no builder
  // provides it, until nothing new comes in.
  const provider = (role: string): Builder | undefined => {
    const found = [...byName.values()].filter((b) => b.provides.some((s) => s.role === role)).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (found.length > 1) {
      throw new NotosError(`Builders ${found.map((b) => `${b.name}${b.file ? ` (${b.file})` : ""}`).join(" and ")} both provide the slot ${JSON.stringify(role)}; one builder fills a slot.`, {
        code: "BUILDER_SLOT",
        hint: "import only one of the modules that add them, or build one of them on the other (a provider that takes the slot gets its default).",
      });
    }
    return found[0];
  };
  const slotFill = (role: string, dflt: Builder, taker: Builder): Builder => {
    const p = provider(role);
    return p && p !== taker ? p : dflt;
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const b of [...byName.values()]) {
      for (const spec of Object.values(b.inputs)) {
        if (!isSlot(spec)) continue;
        const fill = slotFill(spec.role, spec.default, b);
        if (byName.get(fill.name) !== fill) {
          add(fill, `the default of the slot ${JSON.stringify(spec.role)}, input of ${b.name}`);
          grew = true;
        }
      }
    }
  }
  // Two providers of one slot are an error whether or not anything takes it.
  for (const b of byName.values()) for (const s of b.provides) provider(s.role);
  const members = (role: string) => [...byName.values()].filter((b) => b.roles.includes(role)).sort((a, b) => (a.name < b.name ? -1 : 1));
  // `everyBuilder` (role "*"): the builders downstream of no taker of it, so it never closes a cycle.
  const takesEvery = (b: Builder) => Object.values(b.inputs).some((spec) => isCollection(spec) && spec.role === "*");
  let everyMembers: Builder[] | undefined;
  const every = (): Builder[] => {
    if (everyMembers) return everyMembers;
    const downstream = new Map<string, boolean>();
    const explicit = (b: Builder): Builder[] =>
      Object.values(b.inputs).flatMap((spec) =>
        isBuilder(spec) ? [spec] : isSlot(spec) ? [slotFill(spec.role, spec.default, b)] : isCollection(spec) && spec.role !== "*" ? members(spec.role).filter((m) => m !== b) : [],
      );
    const isDownstream = (b: Builder, seen: Set<string>): boolean => {
      const known = downstream.get(b.name);
      if (known !== undefined) return known;
      if (seen.has(b.name)) return false;
      seen.add(b.name);
      const result = takesEvery(b) || explicit(b).some((d) => isDownstream(d, seen));
      downstream.set(b.name, result);
      return result;
    };
    return (everyMembers = [...byName.values()].filter((b) => !isDownstream(b, new Set())).sort((a, b) => (a.name < b.name ? -1 : 1)));
  };
  const inputBuilders = (b: Builder, input: string): Builder[] => {
    const spec = b.inputs[input];
    if (isBuilder(spec)) return [spec];
    if (isSlot(spec)) return [slotFill(spec.role, spec.default, b)];
    if (isCollection(spec)) return spec.role === "*" ? every() : members(spec.role).filter((m) => m !== b);
    return [];
  };
  const dependencies = (b: Builder) => [...new Set(Object.keys(b.inputs).flatMap((i) => inputBuilders(b, i).map((d) => d.name)))];

  const order: Builder[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (b: Builder, trail: string[]): void => {
    if (state.get(b.name) === "done") return;
    if (state.get(b.name) === "visiting") {
      throw new NotosError(`The builders depend on each other in a cycle: ${[...trail.slice(trail.indexOf(b.name)), b.name].join(" → ")}.`, { code: "BUILDER_CYCLE" });
    }
    state.set(b.name, "visiting");
    for (const d of dependencies(b)) visit(byName.get(d)!, [...trail, b.name]);
    state.set(b.name, "done");
    order.push(b);
  };
  for (const b of [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) visit(b, []);
  return { builders: order, get: (name) => byName.get(name), inputBuilders, dependencies };
}

/** The configuration at `paths`, in the configuration's own shape: what a builder receives and its key hashes. */
export function optionSlice(config: unknown, paths: readonly string[], builder = "a builder", schema?: z.ZodType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of [...paths].sort()) {
    const segments = path.split(".");
    let value: unknown = config;
    for (const [i, s] of segments.entries()) {
      // A declared option that is unset (optional, no default) reads as absent, not as an error.
      const declaredButUnset = schema !== undefined && i === segments.length - 1 && value !== null && typeof value === "object" && schemaAt(schema, segments) !== undefined;
      if (declaredButUnset && !(s in (value as object))) {
        value = undefined;
        break;
      }
      if (value === null || typeof value !== "object" || !(s in (value as object))) {
        throw new NotosError(`Builder ${builder} reads the option ${path}, which no module of this system declares.`, {
          code: "BUILDER_OPTION",
          hint: "import the module that declares it (the package that owns the option exports one), or fix the path in the builder's `reads`.",
        });
      }
      value = (value as Record<string, unknown>)[s];
    }
    let target = out;
    for (const s of segments.slice(0, -1)) target = (target[s] ??= {}) as Record<string, unknown>;
    if (value !== undefined) target[segments.at(-1)!] = value;
  }
  return deepFreeze(structuredClone(out));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export interface RunContext {
  config: unknown;
  /** The composed schema: lets a builder read a declared option that is unset. */
  schema?: z.ZodType;
  definitions: ReadonlyMap<string, string[]>;
  store: Store;
  packages: PackageSource;
  reporter: Reporter;
  sourceDateEpoch: number;
}

/** What one builder's realisation was keyed on, and what came of it. */
export interface Realisation {
  builder: string;
  key: string;
  /** Exactly what the key hashes: for `notos why`. */
  keyInputs: KeyInputs & { packages: Record<string, string[]>; sourceDateEpoch: number; fingerprint?: Record<string, string> };
  artifact: Artifact;
  cached: boolean;
  seconds: number;
}

export interface GraphRun {
  /** The artifact of a builder of the graph (realising its inputs first); each builder runs at most once per run. */
  realise(name: string): Promise<Artifact>;
  /** The realisations so far, in completion order. */
  readonly realisations: Realisation[];
}

/** Each package's name, version and sha256: what a builder's key takes of a locked set. */
function lockedRows(packages: readonly LockedDeb[]): string[] {
  return packages.map((p) => `${p.name} ${p.version} ${p.sha256}`).sort();
}

/**
 * Exactly what a builder's store key hashes: its name and version, its
 * option slice, its inputs' digests, its locked packages and its
 * fingerprint. Shared by the run and by `notos why`, so both agree.
 */
export async function builderKeyInputs(
  b: Builder,
  options: unknown,
  inputDigests: Record<string, string>,
  source: PackageSource,
  sourceDateEpoch: number,
): Promise<Realisation["keyInputs"]> {
  const packages: Record<string, string[]> = {};
  for (const set of b.packageSets(options)) packages[set.name] = lockedRows(await source.locked(set));
  const fingerprint = await b.fingerprint(options);
  return {
    builder: b.name,
    version: b.version,
    config: options,
    inputs: inputDigests,
    packages,
    // Every builder gets the epoch for its timestamps, so every key covers it.
    sourceDateEpoch,
    // Left out when empty, so builders without a fingerprint keep the keys they had.
    ...(Object.keys(fingerprint).length ? { fingerprint } : {}),
  };
}

export function runGraph(graph: BuildGraph, ctx: RunContext): GraphRun {
  const started = new Map<string, Promise<Artifact>>();
  const realisations: Realisation[] = [];

  const realiseBuilder = async (b: Builder): Promise<Artifact> => {
    const inputs: Record<string, Artifact | Artifact[]> = {};
    const digests: Record<string, string> = {};
    await Promise.all(
      Object.keys(b.inputs).map(async (input) => {
        const members = graph.inputBuilders(b, input);
        const realised = await Promise.all(members.map((m) => realise(m.name)));
        const spec = b.inputs[input];
        const artifacts = isCollection(spec) && spec.role === "*" ? realised.map((a, i) => ({ ...a, builderVersion: members[i]!.version })) : realised;
        // A builder or a slot gives one artifact; a slot's digest is named by the builder that filled it.
        inputs[input] = isCollection(spec) ? artifacts : artifacts[0]!;
        artifacts.forEach((a, i) => (digests[isBuilder(b.inputs[input]) ? input : `${input}/${members[i]!.name}`] = a.digest));
      }),
    );
    const options = optionSlice(ctx.config, b.reads, b.name, ctx.schema);
    const setByName = new Map<string, PackageSetSpec>(b.packageSets(options).map((s) => [s.name, s]));
    const keyInputs = await builderKeyInputs(b, options, digests, ctx.packages, ctx.sourceDateEpoch);
    const key = storeKey(keyInputs);
    const reporter = ctx.reporter.child(b.name);
    const t0 = performance.now();
    const entry = await ctx.store.realise(b.name, key, (out) =>
      b.build({
        options,
        inputs,
        out,
        reporter,
        sourceDateEpoch: ctx.sourceDateEpoch,
        definitions: ctx.definitions,
        packages: async (name) => {
          const set = setByName.get(name);
          if (!set) throw new NotosError(`Builder ${b.name} asked for the package set ${JSON.stringify(name)}, which it does not declare.`, { code: "BUILDER_PACKAGES", hint: `declare it in the builder's \`packages\` (declared: ${[...setByName.keys()].join(", ") || "none"}).` });
          return ctx.packages.fetch(set);
        },
      }),
    );
    const artifact = await b.artifact({ builder: b.name, path: entry.path, digest: entry.digest, cached: entry.cached, meta: entry.meta }, { options, inputs });
    realisations.push({ builder: b.name, key, keyInputs, artifact, cached: entry.cached, seconds: (performance.now() - t0) / 1000 });
    return artifact;
  };

  const realise = (name: string): Promise<Artifact> => {
    const b = graph.get(name);
    if (!b) return Promise.reject(new NotosError(`This system has no builder named ${JSON.stringify(name)}.`, { code: "BUILDER_UNKNOWN", hint: `its builders: ${graph.builders.map((x) => x.name).join(", ")}` }));
    let p = started.get(name);
    if (!p) started.set(name, (p = realiseBuilder(b)));
    return p;
  };
  return { realise, realisations };
}

/** The files every builder puts into dist/: name → file; two builders claiming one name is an error. */
export function distFiles(graph: BuildGraph, artifacts: ReadonlyMap<string, Artifact>, config: unknown): Map<string, { file: string; builder: string }> {
  const out = new Map<string, { file: string; builder: string }>();
  for (const b of graph.builders) {
    const artifact = artifacts.get(b.name);
    if (!artifact) continue;
    for (const [name, file] of Object.entries(b.dist(artifact, optionSlice(config, b.reads, b.name)))) {
      if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
        throw new NotosError(`Builder ${b.name} names a dist file ${JSON.stringify(name)}; dist/ holds plain file names.`, { code: "BUILDER_DIST" });
      }
      const other = out.get(name);
      if (other) throw new NotosError(`Builders ${other.builder} and ${b.name} both put ${name} into dist/.`, { code: "BUILDER_DIST", hint: "rename one of the files in its builder's `dist`." });
      out.set(name, { file, builder: b.name });
    }
  }
  return out;
}

/** SOURCE_DATE_EPOCH as the one timestamp of a build: read once, at the edge (default 0). */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === "") return 0;
  if (!/^\d+$/.test(raw) || Number(raw) > 0xffffffff) {
    throw new NotosError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (at most 4294967295), got ${JSON.stringify(raw)}.`, {
      code: "SOURCE_DATE_EPOCH",
      hint: "unset it, or set it to e.g. the last commit's time: `git log -1 --format=%ct`.",
    });
  }
  return Number(raw);
}

export interface RealiseOptions extends Omit<RunContext, "definitions" | "sourceDateEpoch"> {
  definitions?: ReadonlyMap<string, string[]>;
  sourceDateEpoch?: number;
  /** Further builders in the graph, e.g. the members of a collection the builder takes. */
  extra?: readonly Builder[];
}

/** One builder's artifact, with whatever its inputs need, outside a whole-system build (tests, scripts). */
export async function realise<A extends Artifact>(builder: Builder<A>, options: RealiseOptions): Promise<A> {
  const { extra = [], ...context } = options;
  const graph = buildGraph([builder, ...extra]);
  const run = runGraph(graph, { definitions: new Map(), sourceDateEpoch: sourceDateEpoch(), ...context });
  return (await run.realise(builder.name)) as A;
}
