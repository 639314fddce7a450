// The initrd as a builder on the graph runner, against the real Debian
// archive: its dist/ files (the initrd and the command line it was made
// for), the build time taken from the run rather than the environment, and
// `build` receiving its declared option slice and nothing more.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildGraph, distFiles, evalSystem, realise, runGraph, type Builder, type SystemOptions } from "@notos/core";
import { kernel, type KernelArtifact } from "@notos/kernel";
import { buildInitrd, initrd, initrdModule, kernelCommandLine, type InitrdArtifact } from "../src/index.js";
import { bootOptions, realiseOptions, testContext } from "./context.js";

/** The first record's mtime: the sixth 8-hex-digit field after the 6-byte magic. */
function firstMtime(archive: Buffer): number {
  expect(archive.subarray(0, 6).toString("latin1")).toBe("070701");
  return parseInt(archive.subarray(6 + 5 * 8, 6 + 6 * 8).toString("latin1"), 16);
}

describe("the initrd builder", () => {
  it("puts the initrd and its kernel command line into dist/", async () => {
    const ctx = testContext(bootOptions);
    const run = runGraph(buildGraph([initrd]), { ...realiseOptions(ctx), definitions: new Map(), sourceDateEpoch: 0 });
    const artifact = (await run.realise("initrd")) as InitrdArtifact;
    const artifacts = new Map(await Promise.all(["kernel", "initrd"].map(async (n) => [n, await run.realise(n)] as const)));
    const files = Object.fromEntries([...distFiles(buildGraph([initrd]), artifacts, ctx.config)].map(([name, f]) => [name, f.file]));
    expect(files).toEqual({ kernel: (artifacts.get("kernel") as KernelArtifact).image, initrd: artifact.file, "command-line": artifact.commandLine });
    expect(Object.keys(initrd.dist(artifact, {})).sort()).toEqual(["command-line", "initrd"]);
    expect(await readFile(artifact.commandLine, "utf8")).toBe(kernelCommandLine(ctx.config) + "\n");
    expect(await readFile(artifact.commandLine, "utf8")).toBe("root=/dev/vda console=ttyS0\n");
  }, 600_000);

  it("stamps the archive with the run's sourceDateEpoch, not SOURCE_DATE_EPOCH from the environment", async () => {
    const epoch = 1_700_000_000;
    // A parameter of its own gives this initrd a key of its own: the store key does not hold the epoch.
    const options = { boot: { ...bootOptions.boot, kernelParams: [...bootOptions.boot.kernelParams, `notos.test-epoch=${epoch}`], initrd: { ...bootOptions.boot.initrd, compression: "none" } } } satisfies SystemOptions;
    const old = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = "12345";
    try {
      const artifact = await realise(initrd, { ...realiseOptions(testContext(options)), sourceDateEpoch: epoch });
      expect(firstMtime(await readFile(artifact.file))).toBe(epoch);
    } finally {
      if (old === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = old;
    }
  }, 600_000);

  it("gives build exactly its declared slice of the configuration, frozen, and the kernel as its input", async () => {
    let seen: { options: unknown; kernel: unknown } | undefined;
    // A copy with its own version misses the store, so `build` runs; it stops there, before any download.
    const probe: Builder<InitrdArtifact> = {
      ...initrd,
      version: `${initrd.version}-probe`,
      build: async (args) => {
        seen = { options: args.options, kernel: args.inputs.kernel };
        throw new Error("probe stops here");
      },
    };
    const ctx = testContext({ ...bootOptions, services: { ticker: { run: "exec sleep 60" } }, networking: { hostname: "elsewhere" } });
    await expect(realise(probe, realiseOptions(ctx))).rejects.toThrow("probe stops here");
    const options = seen!.options as { boot: Record<string, unknown> };
    expect(Object.keys(options)).toEqual(["boot"]);
    expect(Object.keys(options.boot).sort()).toEqual(["initrd", "kernelModules", "kernelParams", "stage2Init"]);
    expect(options.boot).toEqual({
      initrd: ctx.config.boot.initrd,
      kernelModules: ctx.config.boot.kernelModules,
      kernelParams: ctx.config.boot.kernelParams,
      stage2Init: ctx.config.boot.stage2Init,
    });
    expect(Object.isFrozen(options.boot.initrd)).toBe(true);
    expect(seen!.kernel).toMatchObject({ builder: "kernel", image: expect.stringMatching(/bzImage$/) });
  }, 600_000);

  it("buildInitrd refuses a kernel other than the one its configuration builds", async () => {
    const ctx = testContext(bootOptions);
    const foreign = { builder: "kernel", path: "/nowhere", digest: "0".repeat(64), cached: true } as KernelArtifact;
    await expect(buildInitrd(ctx, { kernel: foreign })).rejects.toThrow(/buildInitrd was given a kernel \(000000000000\) other than the one its configuration builds/);
  }, 600_000);

  it("comes with the kernel builder through initrdModule", () => {
    const { builders } = evalSystem({ imports: [initrdModule] });
    expect(buildGraph(builders).builders.map((b) => b.name)).toEqual(["kernel", "initrd"]);
    expect(initrd.inputs).toEqual({ kernel });
  });
});
