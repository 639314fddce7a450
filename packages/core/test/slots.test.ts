// Slots: a consumer names a role with a default builder; a builder of the
// system that provides the role stands in for the default (and may take
// the default itself, to wrap it); two providers are an error naming both.
// The graph, the run and the store keys show the builder that really filled it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defineBuilder, defineSlot, silentReporter, type Artifact, type PackageSource } from "../src/index.js";
import { buildGraph, runGraph } from "../src/public/graph.js";
import { Store } from "../src/public/store.js";

interface Text extends Artifact {
  text: string;
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const noPackages: PackageSource = { locked: async () => [], fetch: async () => [] };
const text = (name: string, value: string) =>
  defineBuilder({ name, version: "1", reads: [], build: async () => ({ text: value }), artifact: (e): Text => ({ builder: e.builder, path: e.path, digest: e.digest, cached: e.cached, text: e.meta.text }) });

const plainImage = text("image", "plain");
const imageSlot = defineSlot("image", plainImage);
const consumer = defineBuilder({
  name: "consumer",
  version: "1",
  reads: [],
  inputs: { image: imageSlot },
  build: async ({ inputs }) => ({ text: `disk of ${inputs.image.text}` }),
  artifact: (e): Text => ({ builder: e.builder, path: e.path, digest: e.digest, cached: e.cached, text: e.meta.text }),
});
// Wraps the default: it takes the slot itself, and gets the default.
const wrapped = defineBuilder({
  name: "wrapped-image",
  version: "1",
  reads: [],
  inputs: { image: imageSlot },
  provides: [imageSlot],
  build: async ({ inputs }) => ({ text: `signed ${inputs.image.text}` }),
  artifact: (e): Text => ({ builder: e.builder, path: e.path, digest: e.digest, cached: e.cached, text: e.meta.text }),
});
const other = defineBuilder({
  name: "other-image",
  version: "1",
  reads: [],
  provides: [imageSlot],
  build: async () => ({ text: "other" }),
  artifact: (e): Text => ({ builder: e.builder, path: e.path, digest: e.digest, cached: e.cached, text: e.meta.text }),
});

async function run(roots: Parameters<typeof buildGraph>[0]) {
  const dir = mkdtempSync(join(tmpdir(), "notos-slot-"));
  dirs.push(dir);
  const r = runGraph(buildGraph(roots), { config: {}, definitions: new Map(), store: new Store(dir), packages: noPackages, reporter: silentReporter, sourceDateEpoch: 0 });
  const artifact = (await r.realise("consumer")) as Text;
  return { artifact, realisations: r.realisations };
}

describe("a slot", () => {
  it("is filled by its default when no builder of the system provides it, and the default joins the graph", async () => {
    const graph = buildGraph([consumer]);
    expect(graph.builders.map((b) => b.name)).toEqual(["image", "consumer"]);
    expect(graph.dependencies(consumer)).toEqual(["image"]);
    const { artifact, realisations } = await run([consumer]);
    expect(artifact.text).toBe("disk of plain");
    expect(realisations.find((r) => r.builder === "consumer")!.keyInputs.inputs).toEqual({ "image/image": expect.any(String) });
  });

  it("is filled by the builder that provides it, for every taker but the provider, which gets the default", async () => {
    const graph = buildGraph([consumer, wrapped]);
    expect(graph.dependencies(consumer)).toEqual(["wrapped-image"]);
    expect(graph.dependencies(wrapped)).toEqual(["image"]);
    expect(graph.builders.map((b) => b.name)).toEqual(["image", "wrapped-image", "consumer"]);
    const { artifact, realisations } = await run([wrapped, consumer]);
    expect(artifact.text).toBe("disk of signed plain");
    // The consumer's key names the builder that filled the slot, so `notos why` says which.
    expect(Object.keys(realisations.find((r) => r.builder === "consumer")!.keyInputs.inputs ?? {})).toEqual(["image/wrapped-image"]);
  });

  it("leaves the default out of the graph when a provider does not take it", () => {
    expect(buildGraph([consumer, other]).builders.map((b) => b.name)).toEqual(["other-image", "consumer"]);
  });

  it("refuses two providers, naming both, whichever order the modules add them in", () => {
    for (const roots of [[consumer, wrapped, other], [other, wrapped]]) {
      expect(() => buildGraph(roots)).toThrow(expect.objectContaining({ code: "BUILDER_SLOT", message: expect.stringMatching(/^Builders other-image .* and wrapped-image .* both provide the slot "image"/) }));
    }
  });

  it("refuses a bad role, a default that provides its own slot, and a `provides` that is no slot", () => {
    expect(() => defineSlot("Image", plainImage)).toThrow(/lower-case/);
    expect(() => defineBuilder({ name: "image", version: "1", reads: [], provides: [imageSlot], build: async () => ({ text: "" }), artifact: (e): Text => ({ ...e, text: "" }) })).toThrow(/is the default of the slot "image" already/);
    expect(() => defineBuilder({ name: "x", version: "1", reads: [], provides: [{ kind: "collection", role: "image" } as never], build: async () => ({}), artifact: (e) => ({ ...e }) as Artifact })).toThrow(/not a slot/);
  });
});
