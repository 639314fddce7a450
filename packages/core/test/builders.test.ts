// Options declared by modules, module functions of the configuration, and the
// builder graph: collections found, each builder realised once, keys that
// hash exactly the slice a builder receives.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigError,
  defineBuilder,
  defineLayer,
  defineModule,
  layers,
  mkForce,
  silentReporter,
  type Artifact,
  type Module,
  type PackageSource,
} from "../src/index.js";
import { buildGraph, composeSchema, distFiles, optionSlice, runGraph } from "../src/public/graph.js";
import { Store } from "../src/public/store.js";
import { readLayer } from "../src/public/tree.js";
import { evalSystem } from "./with-standard.js";

declare module "../src/declare.js" {
  interface NotosOptions {
    banner: typeof banner;
  }
}

const banner = z.strictObject({ text: z.string().default("hello").describe("The banner's text.") }).prefault({});
const bannerModule = defineModule({ options: { banner }, name: "banner" });

describe("option declarations", () => {
  it("puts a module's declaration into the schema, with its default", () => {
    const { config } = evalSystem({ imports: [bannerModule] });
    expect((config as unknown as { banner: { text: string } }).banner.text).toBe("hello");
  });

  it("says which module declared each option, once however often the module is imported", () => {
    const { declarations } = evalSystem({ imports: [bannerModule, { imports: [bannerModule] }] });
    expect(declarations.filter((d) => d.path === "banner")).toEqual([{ path: "banner", schema: banner, file: expect.stringMatching(/banner/) }]);
    expect(declarations.find((d) => d.path === "system")?.file).toBe("@notos/core");
  });

  it("rejects the option without the declaring module, naming the file that set it", () => {
    const run = () => evalSystem({ file: "/sys/notos.config.ts", banner: { text: "x" } } as Module);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/banner: unknown option.*\/sys\/notos\.config\.ts/);
  });

  it("suggests a declared option for a typo", () => {
    expect(() => evalSystem({ imports: [bannerModule], banner: { txt: "x" } } as Module)).toThrow(/banner\.txt: unknown option; did you mean "text"\?/);
  });

  it("nests declarations under namespaces and keeps declarations from two packages apart", () => {
    const schema = composeSchema([
      { path: "web.tls.port", schema: z.number().default(443), file: "a.ts" },
      { path: "web.http", schema: z.number().default(80), file: "b.ts" },
    ]);
    expect(schema.parse({})).toEqual({ web: { tls: { port: 443 }, http: 80 } });
  });

  it("refuses one option declared twice, naming both files", () => {
    expect(() =>
      composeSchema([
        { path: "banner", schema: banner, file: "a.ts" },
        { path: "banner", schema: z.string(), file: "b.ts" },
      ]),
    ).toThrow(/banner is declared twice: in a\.ts and in b\.ts/);
  });

  it("refuses a declaration inside another option", () => {
    expect(() =>
      composeSchema([
        { path: "banner", schema: banner, file: "a.ts" },
        { path: "banner.colour", schema: z.string(), file: "b.ts" },
      ]),
    ).toThrow(/banner\.colour \(declared in b\.ts\) lies inside the option banner \(declared in a\.ts\)/);
    expect(() =>
      composeSchema([
        { path: "banner.colour", schema: z.string(), file: "b.ts" },
        { path: "banner", schema: banner, file: "a.ts" },
      ]),
    ).toThrow(/lies inside the option banner/);
  });

  it("takes the same declaration imported along two routes once", () => {
    const a = defineModule({ imports: [bannerModule], name: "a" });
    const b = defineModule({ imports: [bannerModule], name: "b" });
    expect(() => evalSystem({ imports: [a, b] })).not.toThrow();
  });
});

describe("module functions of the configuration", () => {
  it("see the evaluated configuration and may define options from it", () => {
    const conditional = defineModule(({ config }) => ({
      environment: { etc: config.system.name === "web" ? { role: { text: `serves ${config.networking.hostname}\n` } } : {} },
    }));
    const on = evalSystem({ imports: [conditional], system: { name: "web" }, networking: { hostname: "box" } });
    expect(on.config.environment.etc.role?.text).toBe("serves box\n");
    const off = evalSystem({ imports: [conditional], system: { name: "db" } });
    expect(off.config.environment.etc.role).toBeUndefined();
  });

  it("may ask whether an option is declared at all", () => {
    const forward = defineModule(({ config }) => ("qemu" in config ? { qemu: { memory: 1024 } } : {}));
    expect(evalSystem({ imports: [forward] }).config.qemu.memory).toBe(1024);
  });

  it("name their file in errors", () => {
    const bad = defineModule(({ config }) => ({ services: { x: { run: config.system.name, enable: "yes" as unknown as boolean } } }));
    expect(() => evalSystem({ imports: [bad] })).toThrow(/services\.x\.enable: expected boolean, got string "yes" \(set in .*builders\.test\.ts\)/);
  });

  it("stop with a clear error when they never settle", () => {
    const grow = defineModule(({ config }) => ({ boot: { kernelParams: mkForce([...config.boot.kernelParams, "x"]) } }));
    expect(() => evalSystem({ imports: [grow] })).toThrow(/does not settle/);
  });

  it("still catch a factory put into imports uncalled", () => {
    const factory = (opts: { keys: string[] }) => ({ users: { root: { uid: 0, authorizedKeys: opts.keys } } });
    expect(() => evalSystem({ imports: [factory as unknown as Module] })).toThrow(/takes arguments/);
  });
});

const noPackages: PackageSource = {
  locked: async () => [],
  fetch: async () => [],
};

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "notos-builders-"));
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function system(extra: Module[] = [], values: Record<string, unknown> = {}) {
  return evalSystem({ imports: [bannerModule, ...extra], ...values } as Module);
}

const calls: string[] = [];
const bannerLayer = defineLayer({
  name: "banner",
  version: "1",
  reads: ["banner"],
  build({ options }) {
    calls.push("banner");
    return { name: "banner", entries: [{ path: "/etc/banner", type: "file", mode: 0o644, uid: 0, gid: 0, content: new TextEncoder().encode(options.banner.text) }] };
  },
});
const hostLayer = defineLayer({
  name: "host",
  version: "1",
  reads: ["networking.hostname"],
  build({ options }) {
    calls.push("host");
    return { name: "host", entries: [{ path: "/etc/hostname", type: "file", mode: 0o644, uid: 0, gid: 0, content: new TextEncoder().encode(options.networking.hostname) }] };
  },
});
const root = defineBuilder({
  name: "root",
  version: "1",
  reads: [],
  inputs: { layers },
  async build({ inputs, out }) {
    calls.push("root");
    const names = inputs.layers.map((l) => l.layerName);
    writeFileSync(join(out, "layers.txt"), names.join(",") + "\n");
    return { names };
  },
  artifact: (entry) => ({ builder: "root", path: entry.path, digest: entry.digest, cached: entry.cached, names: entry.meta.names }),
  dist: (a) => ({ "layers.txt": join(a.path, "layers.txt") }),
});

describe("the build graph", () => {
  it("finds every layer of the system for a collection, in name order, and orders inputs first", () => {
    const graph = buildGraph([root, hostLayer, bannerLayer]);
    expect(graph.builders.map((b) => b.name)).toEqual(["banner", "host", "root"]);
    expect(graph.dependencies(root)).toEqual(["banner", "host"]);
    // The defining file, from which tools find the builder's package.
    expect(root.file).toMatch(/builders\.test\.ts$/);
    expect(bannerLayer.file).toMatch(/builders\.test\.ts$/);
  });

  it("pulls in builders named as inputs, and refuses two builders of one name", () => {
    const top = defineBuilder({ name: "top", version: "1", reads: [], inputs: { root }, build: async () => ({}), artifact: (e) => ({ ...e }) as Artifact });
    expect(buildGraph([top]).builders.map((b) => b.name)).toEqual(["root", "top"]);
    const twin = defineLayer({ name: "banner", version: "2", reads: [], build: () => ({ name: "banner", entries: [] }) });
    expect(() => buildGraph([bannerLayer, twin])).toThrow(/Two different builders are named "banner"/);
  });

  it("refuses a cycle, naming it", () => {
    const a: { inputs: Record<string, unknown> } & ReturnType<typeof defineBuilder> = defineBuilder({ name: "a", version: "1", reads: [], inputs: { layers }, roles: ["layer"], build: async () => ({}), artifact: (e) => ({ ...e }) as Artifact }) as never;
    const b = defineBuilder({ name: "b", version: "1", reads: [], inputs: { a }, roles: ["layer"], build: async () => ({}), artifact: (e) => ({ ...e }) as Artifact });
    expect(() => buildGraph([a, b])).toThrow(/cycle: (a → b → a|b → a → b)/);
  });

  it("gives a builder exactly its slice, frozen, and names an undeclared option it reads", () => {
    const { config } = system();
    const slice = optionSlice(config, ["networking.hostname", "banner"]);
    expect(slice).toEqual({ banner: { text: "hello" }, networking: { hostname: "notos" } });
    expect(Object.isFrozen((slice as { banner: object }).banner)).toBe(true);
    expect(() => optionSlice(config, ["nothing.here"], "x")).toThrow(/Builder x reads the option nothing\.here, which no module of this system declares/);
    // networking.domain is declared, optional and unset: with the schema it reads as absent.
    const { schema } = system();
    expect(optionSlice(config, ["networking.domain"], "x", schema)).toEqual({ networking: {} });
    expect(() => optionSlice(config, ["networking.domian"], "x", schema)).toThrow(/reads the option networking\.domian/);
  });

  it("realises each builder once per run, reuses the store, and rebuilds only what a changed option reaches", async () => {
    const store = new Store(temp());
    const run = async (values: Record<string, unknown>) => {
      calls.length = 0;
      const evaluated = system([defineModule({ builders: [root, hostLayer, bannerLayer], name: "m" })], values);
      const graph = buildGraph(evaluated.builders);
      const r = runGraph(graph, { config: evaluated.config, definitions: evaluated.definitions, store, packages: noPackages, reporter: silentReporter, sourceDateEpoch: 0 });
      const [a, again] = await Promise.all([r.realise("root"), r.realise("root")]);
      expect(again).toBe(a);
      return { calls: [...calls].sort(), realisations: r.realisations, graph, config: evaluated.config, root: a };
    };
    const first = await run({ banner: { text: "one" } });
    expect(first.calls).toEqual(["banner", "host", "root"]);
    expect(readFileSync(join(first.root.path, "layers.txt"), "utf8")).toBe("banner,host\n");
    expect((await readLayer(first.realisations.find((r) => r.builder === "banner")!.artifact.path)).entries[0]!.path).toBe("/etc/banner");

    const same = await run({ banner: { text: "one" } });
    expect(same.calls).toEqual([]);

    const edited = await run({ banner: { text: "two" } });
    expect(edited.calls).toEqual(["banner", "root"]);
    const key = (r: typeof first, name: string) => r.realisations.find((x) => x.builder === name)!.key;
    expect(key(edited, "host")).toBe(key(first, "host"));
    expect(key(edited, "banner")).not.toBe(key(first, "banner"));
    expect(edited.realisations.find((x) => x.builder === "banner")!.keyInputs.config).toEqual({ banner: { text: "two" } });

    // Another SOURCE_DATE_EPOCH is another build: every key covers it.
    const evaluated = system([defineModule({ builders: [root, hostLayer, bannerLayer], name: "m" })], { banner: { text: "two" } });
    const later = runGraph(buildGraph(evaluated.builders), { config: evaluated.config, definitions: evaluated.definitions, store, packages: noPackages, reporter: silentReporter, sourceDateEpoch: 1700000000 });
    await later.realise("root");
    expect(later.realisations.every((r) => !r.cached)).toBe(true);

    const files = distFiles(edited.graph, new Map(edited.realisations.map((r) => [r.builder, r.artifact])), edited.config);
    expect([...files.keys()]).toEqual(["layers.txt"]);
  });

  it("keys on a builder's fingerprint: a changed one rebuilds, the same one is cached", async () => {
    const store = new Store(temp());
    let digest = "one";
    const built: string[] = [];
    const outside = defineLayer({
      name: "outside",
      version: "1",
      reads: ["banner"],
      fingerprint: async (options) => ({ [options.banner.text]: digest }),
      build() {
        built.push(digest);
        return { name: "outside", entries: [] };
      },
    });
    const { config, definitions } = system([], { banner: { text: "file" } });
    const run = async () => {
      const r = runGraph(buildGraph([outside]), { config, definitions, store, packages: noPackages, reporter: silentReporter, sourceDateEpoch: 0 });
      await r.realise("outside");
      return r.realisations[0]!;
    };
    const first = await run();
    expect(first.keyInputs.fingerprint).toEqual({ file: "one" });
    expect((await run()).cached).toBe(true);
    digest = "two";
    const changed = await run();
    expect(changed.cached).toBe(false);
    expect(changed.key).not.toBe(first.key);
    expect(built).toEqual(["one", "two"]);
    // No fingerprint, no field: the keys of builders without one stay as they were.
    const plain = runGraph(buildGraph([bannerLayer]), { config, definitions, store, packages: noPackages, reporter: silentReporter, sourceDateEpoch: 0 });
    await plain.realise("banner");
    expect("fingerprint" in plain.realisations[0]!.keyInputs).toBe(false);
  });

  it("refuses two builders putting the same file into dist/", async () => {
    const other = defineBuilder({ name: "other", version: "1", reads: [], build: async () => ({}), artifact: (e) => ({ ...e }) as Artifact, dist: () => ({ "layers.txt": "/x" }) });
    const graph = buildGraph([root, other]);
    const fake = (name: string) => ({ builder: name, path: "/p", digest: "d", cached: true });
    expect(() => distFiles(graph, new Map([["root", fake("root")], ["other", fake("other")]]), {})).toThrow(/Builders (root and other|other and root) both put layers\.txt into dist\//);
  });
});
