// The etc layer as a builder: cached by its key, keyed on exactly its slice
// of the configuration plus the content of `source` files, and reading
// nothing of the configuration it does not declare.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, defineModule, evalSystem, realise, type Module, type PackageSource } from "@notos/core";
import { buildGraph, runGraph } from "@notos/core/graph";
import { silentReporter } from "@notos/core/progress";
import { Store } from "@notos/core/store";
import { fileText, readLayer, serializeLayer } from "@notos/core/tree";
import { etc, etcLayer, etcModule } from "../src/index.js";
import { ETC_READS } from "../src/options.js";
import { configOf, elsewhere, evaluate, type TestOptions } from "./system.js";

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "notos-etc-builder-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const noPackages: PackageSource = {
  locked: () => Promise.reject(new Error("the etc layer asked for packages")),
  fetch: () => Promise.reject(new Error("the etc layer asked for packages")),
};

/** One run of the etc builder in a system made of `options` and the etc module: its realisation. */
async function realiseIn(store: Store, options: TestOptions, modules: Module[] = []) {
  const { config, definitions, builders } = evaluate(options, modules);
  const run = runGraph(buildGraph(builders), { config, definitions, store, packages: noPackages, reporter: silentReporter, sourceDateEpoch: 0 });
  await run.realise("etc");
  return run.realisations.find((r) => r.builder === "etc")!;
}

const system: TestOptions = {
  networking: { hostname: "box" },
  users: { root: { uid: 0, group: "root" } },
  groups: { root: { gid: 0 } },
};

describe("the etc builder", () => {
  it("is added to a system by etcModule", () => {
    expect(evalSystem({ imports: [etcModule] }).builders).toEqual([etc]);
  });

  it("is cached the second time", async () => {
    const store = new Store(temp());
    const first = await realiseIn(store, system);
    expect(first.cached).toBe(false);
    const again = await realiseIn(store, system);
    expect(again).toMatchObject({ cached: true, key: first.key });
    expect(again.artifact.digest).toBe(first.artifact.digest);
  });

  it("keeps its key when an option outside its slice changes, and not when one inside does", async () => {
    const store = new Store(temp());
    const first = await realiseIn(store, system);
    const outside = await realiseIn(store, { ...system, elsewhere: { value: 1 } } as TestOptions, [elsewhere]);
    expect(outside).toMatchObject({ cached: true, key: first.key });
    const inside = await realiseIn(store, { ...system, networking: { hostname: "other" } });
    expect(inside.key).not.toBe(first.key);
  });

  it("changes its key when a source file's content changes, and the layer holds the new content", async () => {
    const store = new Store(temp());
    const source = join(temp(), "motd");
    writeFileSync(source, "one\n");
    const options = { ...system, environment: { etc: { motd: { source } } } };
    const first = await realiseIn(store, options);
    expect(first.keyInputs.fingerprint).toEqual({ [source]: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await realiseIn(store, options)).cached).toBe(true);
    writeFileSync(source, "two\n");
    const second = await realiseIn(store, options);
    expect(second.cached).toBe(false);
    expect(second.key).not.toBe(first.key);
    const motd = (await readLayer(second.artifact.path)).entries.find((e) => e.path === "/etc/motd");
    expect(fileText(motd)).toBe("two\n");
  });

  it("receives exactly its declared options", async () => {
    const { keyInputs } = await realiseIn(new Store(temp()), system);
    const config = keyInputs.config as Record<string, Record<string, unknown>>;
    expect(Object.keys(config).sort()).toEqual(["environment", "groups", "networking", "system", "users"]);
    expect(Object.keys(config.environment!).sort()).toEqual(["etc", "variables"]);
  });

  it("reads every option it declares and nothing else", () => {
    const read = new Set<string>();
    /** The configuration, recording each option path the layer looks at. */
    const watch = (value: unknown, path: string[]): unknown =>
      value && typeof value === "object"
        ? new Proxy(value, {
            get(target, key, receiver) {
              const v = Reflect.get(target, key, receiver);
              if (typeof key !== "string" || Array.isArray(target)) return v;
              read.add([...path, key].join("."));
              return watch(v, [...path, key]);
            },
          })
        : value;
    const source = join(temp(), "issue");
    writeFileSync(source, "hi\n");
    const config = configOf({ ...system, environment: { etc: { issue: { source } }, variables: { A: "b" } } });
    const layer = etcLayer(watch(config, []) as typeof config);
    expect(serializeLayer(layer)).toBe(serializeLayer(etcLayer(config)));
    const within = (path: string) => ETC_READS.some((r) => path === r || path.startsWith(r + ".") || r.startsWith(path + "."));
    expect([...read].filter((p) => !within(p))).toEqual([]);
    expect(ETC_READS.filter((r) => !read.has(r))).toEqual([]);
  });

  it("names the module that set a bad option, from the definitions it is given", async () => {
    const bad = defineModule({ users: { bob: { uid: 1, group: "missing" } } });
    const { config, definitions } = evalSystem({ imports: [etcModule, bad] });
    const error = await realise(etc, { config, definitions, store: new Store(temp()), packages: noPackages, reporter: silentReporter }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).toMatchObject({ path: "users.bob.group", files: [expect.stringMatching(/builder\.test\.ts$/)] });
  });
});
