// The builder contract: a builder is data plus one function. The data says
// what it reads (option paths; it receives exactly that slice, and its store
// key hashes exactly what it received), which Debian package sets it needs
// (the lock is composed from the builders), which other builders' artifacts
// it takes (typed), and which files it puts into dist/. Collections are
// found, not listed: a rootfs takes "every layer of the system", so a new
// layer needs no edit to the rootfs.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { Artifact, LayerArtifact } from "./build.js";
import type { Nest, UnionToIntersection } from "./declare.js";
import { LAYER_MANIFEST_FILE, layerManifest, writeLayer } from "./layer.js";
import { callerFile } from "./module.js";
import type { Reporter } from "./progress.js";
import type { SystemConfig } from "./schema.js";
import type { Layer } from "./tree.js";

/** A Debian package set a builder needs: roots and how far to follow dependencies. */
export interface PackageSetSpec {
  /** The set's name in notos.lock.json; unique in a system. */
  name: string;
  roots: string[];
  /** "all": the full closure; "none": the roots alone; { only }: dependencies whose name matches the regex. */
  dependencies: "all" | "none" | { only: string };
  recommends?: boolean;
  essential?: boolean;
}

/** A locked package, as far as a builder's key needs it. */
export interface LockedDeb {
  name: string;
  version: string;
  sha256: string;
}

/** A locked package whose verified .deb is on disk. */
export interface FetchedDeb extends LockedDeb {
  file: string;
}

/** Where builders' packages come from (the Debian archive, through @notos/debian). */
export interface PackageSource {
  /** The locked packages of a set, resolving and locking it when the lock lacks it. No download. */
  locked(set: PackageSetSpec): Promise<LockedDeb[]>;
  /** The verified .debs of a set. */
  fetch(set: PackageSetSpec): Promise<FetchedDeb[]>;
}

type At<T, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? At<T[Head], Rest>
    : never
  : P extends keyof T
    ? T[P]
    : never;
type Expand<T> = T extends object ? { [K in keyof T]: T[K] } : T;

/** The part of the configuration at the given option paths, in the configuration's own shape. */
export type OptionSlice<P extends string> = [P] extends [never] ? Record<string, never> : Expand<UnionToIntersection<P extends string ? Nest<P, At<SystemConfig, P>> : never>>;

/** Every builder of the system with a role (e.g. "layer"): their artifacts, in builder-name order. */
export interface Collection<A extends Artifact = Artifact> {
  readonly kind: "collection";
  readonly role: string;
  /** Type-only: the artifact each member gives. */
  readonly artifact?: A;
}

/** Every layer builder of the system. */
export const layers: Collection<LayerArtifact> = Object.freeze({ kind: "collection", role: "layer" }) as Collection<LayerArtifact>;

/**
 * A collection of its own: every builder of the system that lists `role` in
 * its `roles`, in name order (as `layers` is for "layer"). A package that
 * takes a collection exports it; builders elsewhere join it by the role.
 */
export function defineCollection<A extends Artifact>(role: string): Collection<A> {
  if (!NAME.test(role)) throw new TypeError(`defineCollection: the role ${JSON.stringify(role)} must be lower-case letters, digits and dashes`);
  return Object.freeze({ kind: "collection", role }) as Collection<A>;
}

/** A member of `everyBuilder`: its artifact, with the version its builder declares. */
export interface BuilderRecord extends Artifact {
  builderVersion: string;
}

/**
 * Every builder of the system that neither takes `everyBuilder` itself nor
 * takes (directly or through others) one that does — for reports over the
 * whole build, such as an SBOM. Its members' versions come with their artifacts.
 */
export const everyBuilder: Collection<BuilderRecord> = Object.freeze({ kind: "collection", role: "*" }) as Collection<BuilderRecord>;

/**
 * One builder in a named place: `default`, unless a builder of the system
 * lists the slot in its `provides` — then that one, for every builder that
 * takes the slot (except the provider itself, which gets the default: it
 * may wrap it). Two providers of one slot in a system are an error naming
 * both. A package that owns a step others may replace (the UKI, which a
 * signer replaces with a signed one) exports the slot; its own consumers
 * take the slot, and a builder elsewhere stands in by providing it.
 */
export interface Slot<A extends Artifact = Artifact> {
  readonly kind: "slot";
  readonly role: string;
  /** The builder that fills the slot when no builder of the system provides it. */
  readonly default: Builder;
  /** Type-only: what a taker gets, and what a provider must give (the default's artifact, or more). */
  accepts?(artifact: A): void;
}

/** A slot named `role`, filled by `defaultBuilder` unless a builder of the system provides it. */
export function defineSlot<A extends Artifact>(role: string, defaultBuilder: Builder<A>): Slot<A> {
  if (!NAME.test(role)) throw new TypeError(`defineSlot: the role ${JSON.stringify(role)} must be lower-case letters, digits and dashes`);
  if (!isBuilder(defaultBuilder)) throw new TypeError(`defineSlot: the default of ${JSON.stringify(role)} must be a builder (made with defineBuilder or defineLayer)`);
  return Object.freeze({ kind: "slot", role, default: defaultBuilder }) as Slot<A>;
}

/** Another builder, a collection of builders, or a slot, as an input. */
export type InputSpec = Record<string, Builder | Collection | Slot>;

export type InputArtifacts<I extends InputSpec> = {
  [K in keyof I]: I[K] extends Builder<infer A> ? A : I[K] extends Collection<infer A> ? A[] : I[K] extends Slot<infer A> ? A : never;
};

/** What `build` receives. */
export interface BuildArgs<O, I> {
  /** The builder's slice of the configuration: all it may read. */
  options: O;
  /** The artifacts of its inputs. */
  inputs: I;
  /** The directory to fill; it becomes the store entry when `build` returns. */
  out: string;
  reporter: Reporter;
  /** The verified .debs of one of the builder's package sets, by set name. */
  packages(set: string): Promise<FetchedDeb[]>;
  /** Seconds since the epoch for every timestamp in the output (SOURCE_DATE_EPOCH, read once per build). */
  sourceDateEpoch: number;
  /** Option path → files of the modules that set it, for errors that name them. */
  definitions: ReadonlyMap<string, string[]>;
}

/** A store entry as the builder made it, for turning into the typed artifact. */
export interface RealisedEntry<M> {
  builder: string;
  path: string;
  digest: string;
  cached: boolean;
  meta: M;
}

export interface BuilderSpec<P extends string, I extends InputSpec, M, A extends Artifact> {
  /** Unique in a system; names the store entry and the set of files in dist/. */
  name: string;
  /** Bump when the output changes for the same inputs. */
  version: string;
  description?: string;
  /** Option paths the builder reads, e.g. ["boot.kernel", "debian.architecture"]. */
  reads: readonly P[];
  inputs?: I;
  /** The Debian package sets it needs, from its options. */
  packages?: (options: OptionSlice<P>) => PackageSetSpec[];
  /**
   * Digests of anything outside the configuration the build reads, such as
   * host files named by options: name → digest, hashed into the store key.
   */
  fingerprint?: (options: OptionSlice<P>) => Promise<Record<string, string>>;
  /** Collections that find this builder ("layer" for a layer of the root). */
  roles?: readonly string[];
  /** Slots this builder fills in place of their defaults; its artifact gives at least what the default's does. */
  provides?: readonly Slot<A>[];
  /** Fill `out`; the returned metadata is stored with the entry. */
  build(args: BuildArgs<OptionSlice<P>, InputArtifacts<I>>): Promise<M>;
  /** The typed artifact of an entry (cached or fresh). */
  artifact(entry: RealisedEntry<M>, args: { options: OptionSlice<P>; inputs: InputArtifacts<I> }): A | Promise<A>;
  /** Files the builder puts into dist/: name in dist/ → file (absolute, usually in the entry). */
  dist?: (artifact: A, options: OptionSlice<P>) => Record<string, string>;
}

const BUILDER = Symbol.for("notos.builder");

/** A builder as the graph holds it: the spec with its types erased to what the runner needs. */
export interface Builder<A extends Artifact = Artifact> {
  readonly [BUILDER]: true;
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly reads: readonly string[];
  readonly inputs: Readonly<InputSpec>;
  readonly roles: readonly string[];
  /** The slots it fills in place of their defaults. */
  readonly provides: readonly Slot[];
  /** The file that defined the builder (its package is found from it), when known. */
  readonly file?: string;
  packageSets(options: unknown): PackageSetSpec[];
  /** The spec's fingerprint, or {} when it has none. */
  fingerprint(options: unknown): Promise<Record<string, string>>;
  build(args: BuildArgs<unknown, Record<string, Artifact | Artifact[]>>): Promise<unknown>;
  artifact(entry: RealisedEntry<unknown>, args: { options: unknown; inputs: Record<string, Artifact | Artifact[]> }): Promise<A>;
  dist(artifact: A, options: unknown): Record<string, string>;
}

export function isBuilder(value: unknown): value is Builder {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BUILDER] === true;
}

export function isCollection(value: unknown): value is Collection {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "collection";
}

export function isSlot(value: unknown): value is Slot {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "slot";
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function defineBuilder<const P extends string, I extends InputSpec, M, A extends Artifact>(spec: BuilderSpec<P, I, M, A>): Builder<A> {
  if (!NAME.test(spec.name)) throw new TypeError(`defineBuilder: the name ${JSON.stringify(spec.name)} must be lower-case letters, digits and dashes`);
  const file = callerFile();
  const builder: Builder<A> = {
    ...(file !== undefined ? { file } : {}),
    [BUILDER]: true,
    name: spec.name,
    version: spec.version,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    reads: [...spec.reads],
    inputs: { ...(spec.inputs ?? {}) },
    roles: [...(spec.roles ?? [])],
    provides: (spec.provides ?? []).map((slot) => {
      if (!isSlot(slot)) throw new TypeError(`defineBuilder: ${spec.name}'s \`provides\` holds something that is not a slot (made with defineSlot)`);
      if (slot.default.name === spec.name) throw new TypeError(`defineBuilder: ${spec.name} is the default of the slot ${JSON.stringify(slot.role)} already; it cannot provide it too`);
      return slot as Slot;
    }),
    packageSets: (options) => spec.packages?.(options as OptionSlice<P>) ?? [],
    fingerprint: async (options) => (await spec.fingerprint?.(options as OptionSlice<P>)) ?? {},
    build: (args) => spec.build(args as BuildArgs<OptionSlice<P>, InputArtifacts<I>>),
    artifact: async (entry, args) =>
      spec.artifact(entry as RealisedEntry<M>, args as { options: OptionSlice<P>; inputs: InputArtifacts<I> }),
    dist: (artifact, options) => spec.dist?.(artifact, options as OptionSlice<P>) ?? {},
  };
  return Object.freeze(builder);
}

/** A layer of the root file system: a builder whose output is a `Layer`; every rootfs of the system takes it. */
export interface LayerSpec<P extends string, I extends InputSpec> {
  name: string;
  version: string;
  description?: string;
  reads: readonly P[];
  inputs?: I;
  packages?: (options: OptionSlice<P>) => PackageSetSpec[];
  /** As for defineBuilder: digests of what the build reads beyond its options. */
  fingerprint?: (options: OptionSlice<P>) => Promise<Record<string, string>>;
  build(args: BuildArgs<OptionSlice<P>, InputArtifacts<I>>): Promise<Layer> | Layer;
  dist?: (artifact: LayerArtifact, options: OptionSlice<P>) => Record<string, string>;
}

export function defineLayer<const P extends string, I extends InputSpec>(spec: LayerSpec<P, I>): Builder<LayerArtifact> {
  return defineBuilder<P, I, { entries: number }, LayerArtifact>({
    name: spec.name,
    version: spec.version,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    reads: spec.reads,
    ...(spec.inputs ? { inputs: spec.inputs } : {}),
    ...(spec.packages ? { packages: spec.packages } : {}),
    ...(spec.fingerprint ? { fingerprint: spec.fingerprint } : {}),
    roles: ["layer"],
    async build(args) {
      const layer = await spec.build(args);
      if (layer.name !== spec.name) throw new TypeError(`layer builder ${spec.name} returned a layer named ${layer.name}`);
      await writeLayer(args.out, layer);
      await fs.writeFile(join(args.out, LAYER_MANIFEST_FILE), JSON.stringify(layerManifest(layer), null, 1) + "\n");
      return { entries: layer.entries.length };
    },
    artifact: (entry) => ({ builder: spec.name, path: entry.path, digest: entry.digest, cached: entry.cached, layerName: spec.name }),
    ...(spec.dist ? { dist: spec.dist } : {}),
  });
}
