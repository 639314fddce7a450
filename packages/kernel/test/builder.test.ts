// The kernel as a builder on the graph runner, against the real Debian
// archive: what its key follows and what it ignores, and that `build` gets
// its declared option slice and nothing more. The unrelated option is
// `system` (core's own), so the tests hold whichever packages declare the rest.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { realise, sourceDateEpoch, type Builder } from "@notos/core";
import { buildGraph, distFiles, runGraph } from "@notos/core/graph";
import { kernel, kernelModule, type KernelArtifact } from "../src/index.js";
import { bootModules, realiseOptions, testContext, type TestOptions } from "./context.js";

const options = { boot: { kernelModules: bootModules.late, initrd: { kernelModules: bootModules.initrd } } } satisfies TestOptions;

/** One graph run of the kernel alone; one lock file for every run of a test, so the archive index is read once. */
function runner(lockFile: string) {
  return async (values: TestOptions) => {
    const ctx = { ...testContext(values), lockFile };
    const run = runGraph(buildGraph([kernel]), { ...realiseOptions(ctx), definitions: new Map(), sourceDateEpoch: sourceDateEpoch() });
    const artifact = (await run.realise("kernel")) as KernelArtifact;
    return { artifact, realisation: run.realisations[0]!, config: ctx.config };
  };
}

describe("the kernel builder", () => {
  it("is cached when realised the second time", async () => {
    const ctx = testContext(options);
    const first = await realise(kernel, realiseOptions(ctx));
    const again = await realise(kernel, realiseOptions(ctx));
    expect(again.cached).toBe(true);
    expect(again.path).toBe(first.path);
    expect(again.digest).toBe(first.digest);
    expect(again.modules.map((m) => m.name)).toEqual(first.modules.map((m) => m.name));
  }, 600_000);

  it("keys on boot.kernelModules, not on an unrelated option such as system.name", async () => {
    const run = runner(testContext().lockFile);
    const base = await run(options);
    expect(base.realisation.keyInputs.config).toEqual({
      boot: { kernel: { package: "linux-image-cloud-amd64" }, kernelModules: bootModules.late, initrd: { kernelModules: bootModules.initrd } },
    });
    expect(base.realisation.keyInputs.packages.kernel!.length).toBeGreaterThan(0);

    const renamed = await run({ ...options, system: { name: "elsewhere" } });
    expect(renamed.realisation.key).toBe(base.realisation.key);
    expect(renamed.artifact.cached).toBe(true);

    const fewer = await run({ boot: { ...options.boot, kernelModules: ["virtio_rng"] } });
    expect(fewer.realisation.key).not.toBe(base.realisation.key);
    expect(fewer.artifact.modules.map((m) => m.name)).not.toContain("loop");
  }, 600_000);

  it("puts the image into dist/ as kernel", async () => {
    const { artifact, config } = await runner(testContext().lockFile)(options);
    const files = distFiles(buildGraph([kernel]), new Map([["kernel", artifact]]), config);
    expect(Object.fromEntries([...files].map(([name, f]) => [name, f.file]))).toEqual({ kernel: artifact.image });
    expect((await readFile(artifact.image)).subarray(0x202, 0x206).toString("latin1")).toBe("HdrS");
  }, 600_000);

  it("gives build exactly its declared slice of the configuration, frozen", async () => {
    let seen: unknown;
    // A copy with its own version misses the store, so `build` runs; it stops there, before any download.
    const probe: Builder<KernelArtifact> = {
      ...kernel,
      version: `${kernel.version}-probe`,
      build: async (args) => {
        seen = args.options;
        throw new Error("probe stops here");
      },
    };
    const ctx = testContext({ ...options, system: { name: "elsewhere", version: "9.9.9" } });
    await expect(realise(probe, realiseOptions(ctx))).rejects.toThrow("probe stops here");
    expect(seen).toEqual({ boot: { kernel: { package: "linux-image-cloud-amd64" }, kernelModules: bootModules.late, initrd: { kernelModules: bootModules.initrd } } });
    const boot = (seen as { boot: Record<string, unknown> }).boot;
    expect(Object.keys(seen as object)).toEqual(["boot"]);
    expect(Object.keys(boot).sort()).toEqual(["initrd", "kernel", "kernelModules"]);
    expect(Object.keys(boot.initrd as object)).toEqual(["kernelModules"]);
    expect(Object.isFrozen(boot)).toBe(true);
  }, 600_000);

  it("is what kernelModule adds to a system", () => {
    expect(kernelModule.builders).toEqual([kernel]);
    expect(kernelModule.name).toBe("@notos/kernel");
  });
});
