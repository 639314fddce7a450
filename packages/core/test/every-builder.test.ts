// `everyBuilder`: a builder that reports on the whole build (an SBOM) takes
// every builder of the system with its version, except the ones downstream
// of a taker, so taking it never closes a cycle.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defineBuilder, everyBuilder, layers, silentReporter, type Artifact, type BuilderRecord, type PackageSource } from "../src/index.js";
import { buildGraph, runGraph } from "../src/public/graph.js";
import { Store } from "../src/public/store.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const noPackages: PackageSource = { locked: async () => [], fetch: async () => [] };
const plain = (name: string, version: string, extra: Partial<Parameters<typeof defineBuilder>[0]> = {}) =>
  defineBuilder({ name, version, reads: [], build: async () => ({}), artifact: (e) => ({ ...e }) as Artifact, ...extra });

const layer = plain("layer", "3", { roles: ["layer"] });
const root = plain("root", "1", { inputs: { layers } });
let seen: BuilderRecord[] = [];
const report = defineBuilder({
  name: "report",
  version: "1",
  reads: [],
  inputs: { every: everyBuilder, root },
  build: async ({ inputs }) => {
    seen = inputs.every;
    return {};
  },
  artifact: (e) => ({ ...e }) as Artifact,
});
const site = plain("site", "1", { inputs: { report } });
const other = plain("other", "2", { inputs: { every: everyBuilder } });

describe("everyBuilder", () => {
  it("holds every builder not downstream of a taker, in name order", () => {
    const graph = buildGraph([site, report, root, layer, other]);
    expect(graph.inputBuilders(report, "every").map((b) => b.name)).toEqual(["layer", "root"]);
    expect(graph.dependencies(report)).toEqual(["layer", "root"]);
    expect(graph.builders.map((b) => b.name).indexOf("report")).toBeGreaterThan(graph.builders.map((b) => b.name).indexOf("root"));
  });

  it("gives each member's artifact with its builder's version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notos-every-"));
    dirs.push(dir);
    const store = new Store(dir);
    const run = runGraph(buildGraph([site, report, root, layer]), { config: {}, definitions: new Map(), store, packages: noPackages, reporter: silentReporter, sourceDateEpoch: 0 });
    await run.realise("site");
    expect(seen.map((r) => [r.builder, r.builderVersion])).toEqual([
      ["layer", "3"],
      ["root", "1"],
    ]);
    expect(seen.every((r) => /^[0-9a-f]+$/.test(r.digest))).toBe(true);
  });
});
