// The runit layer as a builder: cached by its key, keyed on exactly its
// slice of the configuration, and reading nothing of the configuration it
// does not declare.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, defineModule, evalSystem, realise, type Module, type PackageSource } from "@notos/core";
import { buildGraph, runGraph } from "@notos/core/graph";
import { silentReporter } from "@notos/core/progress";
import { Store } from "@notos/core/store";
import { readLayer, serializeLayer } from "@notos/core/tree";
import { etc } from "@notos/etc";
import { runit, runitLayer, runitModule } from "../src/index.js";
import { RUNIT_READS } from "../src/options.js";
import { configOf, elsewhere, evaluate, type TestOptions } from "./system.js";

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "notos-runit-builder-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const noPackages: PackageSource = {
  locked: () => Promise.reject(new Error("the runit layer asked for packages")),
  fetch: () => Promise.reject(new Error("the runit layer asked for packages")),
};

/** One run of the runit builder in a system made of `options` and the runit module: its realisation. */
async function realiseIn(store: Store, options: TestOptions, modules: Module[] = []) {
  const { config, definitions, builders } = evaluate(options, modules);
  const run = runGraph(buildGraph(builders), { config, definitions, store, packages: noPackages, reporter: silentReporter, sourceDateEpoch: 0 });
  await run.realise("runit");
  return run.realisations.find((r) => r.builder === "runit")!;
}

const system: TestOptions = {
  networking: { hostname: "box", interfaces: { eth0: { dhcp: true } } },
  users: { root: { uid: 0, group: "root" }, "www-data": { uid: 33, group: "www-data" } },
  groups: { root: { gid: 0 }, "www-data": { gid: 33 } },
  boot: { kernel: { sysctl: { "kernel.panic": 10 } } },
  runit: { directories: { "/var/log/web": { user: "www-data", group: "www-data" } }, stage1Tasks: { keys: "echo keys" } },
  services: { web: { run: "exec web", user: "www-data" } },
};

describe("the runit builder", () => {
  it("is added to a system by runitModule, after the etc layer whose options it reads", () => {
    expect(evalSystem({ imports: [runitModule] }).builders).toEqual([etc, runit]);
  });

  it("is cached the second time, and stores the layer runitLayer makes", async () => {
    const store = new Store(temp());
    const first = await realiseIn(store, system);
    expect(first.cached).toBe(false);
    expect(serializeLayer(await readLayer(first.artifact.path))).toBe(serializeLayer(runitLayer(configOf(system))));
    const again = await realiseIn(store, system);
    expect(again).toMatchObject({ cached: true, key: first.key });
    expect(again.artifact.digest).toBe(first.artifact.digest);
  });

  it("keeps its key when an option outside its slice changes, and not when one inside does", async () => {
    const store = new Store(temp());
    const first = await realiseIn(store, system);
    const outside = await realiseIn(
      store,
      {
        ...system,
        elsewhere: 1,
        environment: { etc: { motd: { text: "hi\n" } } },
        networking: { ...system.networking, hosts: { "10.0.2.2": ["gateway"] } },
        boot: { kernel: { ...system.boot!.kernel, elsewhere: 1 } },
      } as TestOptions,
      [elsewhere],
    );
    expect(outside).toMatchObject({ cached: true, key: first.key });
    const inside = await realiseIn(store, { ...system, runit: { ...system.runit, shutdownTimeout: 3 } });
    expect(inside.key).not.toBe(first.key);
  });

  it("receives exactly its declared options", async () => {
    const { keyInputs } = await realiseIn(new Store(temp()), system);
    const config = keyInputs.config as Record<string, Record<string, unknown>>;
    expect(Object.keys(config).sort()).toEqual(["boot", "groups", "networking", "runit", "services", "users"]);
    expect(Object.keys(config.networking!).sort()).toEqual(["hostname", "interfaces", "nameservers"]);
    expect(config.boot).toEqual({ kernel: { sysctl: { "kernel.panic": 10 } }, stage2Init: "/usr/lib/notos/stage-2" });
    expect(keyInputs.fingerprint).toBeUndefined();
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
    const config = configOf(system);
    const layer = runitLayer(watch(config, []) as typeof config);
    expect(serializeLayer(layer)).toBe(serializeLayer(runitLayer(config)));
    const within = (path: string) => RUNIT_READS.some((r) => path === r || path.startsWith(r + ".") || r.startsWith(path + "."));
    expect([...read].filter((p) => !within(p))).toEqual([]);
    expect(RUNIT_READS.filter((r) => !read.has(r))).toEqual([]);
  });

  it("names the module that set a bad option, from the definitions it is given", async () => {
    const bad = defineModule({ services: { web: { run: "exec web", user: "nobody" } } });
    const { config, definitions } = evalSystem({ imports: [runitModule, bad] });
    const error = await realise(runit, { config, definitions, store: new Store(temp()), packages: noPackages, reporter: silentReporter }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).toMatchObject({ path: "services.web.user", files: [expect.stringMatching(/builder\.test\.ts$/)] });
  });
});
