// The initrd and command-line builders on the graph runner, against the
// real Debian archive: their dist/ files, the build time taken from the run
// rather than the environment, each `build` receiving its declared option
// slice and nothing more, and a kernel parameter rebuilding the command
// line but not the initrd, and the initrd parts appended to the base
// archive, so a part's change rebuilds only the join.
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { readCpio } from "@notos/cpio";
import { describe, expect, it } from "vitest";
import { evalSystem, realise, type Builder } from "@notos/core";
import { buildGraph, distFiles, runGraph } from "@notos/core/graph";
import { kernel, type KernelArtifact } from "@notos/kernel";
import { buildInitrd, commandLine, commandLineParts, initrd, initrdBase, initrdModule, initrdParts, type CommandLineArtifact, type InitrdArtifact } from "../src/index.js";
import { kernelCommandLine } from "../src/public/stage1.js";
import { bootOptions, realiseOptions, testContext, type TestOptions } from "./context.js";
import { PART_FILE, testPart } from "./part.js";

/** The first record's mtime: the sixth 8-hex-digit field after the 6-byte magic. */
function firstMtime(archive: Buffer): number {
  expect(archive.subarray(0, 6).toString("latin1")).toBe("070701");
  return parseInt(archive.subarray(6 + 5 * 8, 6 + 6 * 8).toString("latin1"), 16);
}

describe("the initrd builder", () => {
  it("puts the initrd into dist/; the command-line builder puts the command line beside it", async () => {
    const ctx = testContext(bootOptions);
    const graph = buildGraph([initrd, commandLine]);
    const run = runGraph(graph, { ...realiseOptions(ctx), definitions: new Map(), sourceDateEpoch: 0 });
    const artifacts = new Map(await Promise.all(["kernel", "initrd", "command-line"].map(async (n) => [n, await run.realise(n)] as const)));
    const artifact = artifacts.get("initrd") as InitrdArtifact;
    const line = artifacts.get("command-line") as CommandLineArtifact;
    const files = Object.fromEntries([...distFiles(graph, artifacts, ctx.config)].map(([name, f]) => [name, f.file]));
    expect(files).toEqual({ kernel: (artifacts.get("kernel") as KernelArtifact).image, initrd: artifact.file, "command-line": line.file });
    expect(Object.keys(initrd.dist(artifact, {}))).toEqual(["initrd"]);
    expect(await readFile(line.file, "utf8")).toBe(kernelCommandLine(ctx.config) + "\n");
    expect(await readFile(line.file, "utf8")).toBe("root=/dev/vda console=ttyS0\n");
    expect(line.text).toBe("root=/dev/vda console=ttyS0");
  }, 600_000);

  it("rebuilds the command line, not the initrd, when a kernel parameter changes", async () => {
    const keys = async (options: TestOptions) => {
      const run = runGraph(buildGraph([initrd, commandLine]), { ...realiseOptions(testContext(options)), definitions: new Map(), sourceDateEpoch: 0 });
      await Promise.all(["initrd", "command-line"].map((n) => run.realise(n)));
      return Object.fromEntries(run.realisations.map((r) => [r.builder, r.key]));
    };
    const before = await keys(bootOptions);
    const after = await keys({ ...bootOptions, boot: { ...bootOptions.boot, kernelParams: [...bootOptions.boot.kernelParams, "quiet"] } });
    expect(after.initrd).toBe(before.initrd);
    expect(after.kernel).toBe(before.kernel);
    expect(after["command-line"]).not.toBe(before["command-line"]);
  }, 600_000);

  it("stamps the archive with the run's sourceDateEpoch, not SOURCE_DATE_EPOCH from the environment", async () => {
    const epoch = 1_700_000_000;
    const options = { boot: { ...bootOptions.boot, initrd: { ...bootOptions.boot.initrd, compression: "none" } } } satisfies TestOptions;
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
      ...initrdBase,
      version: `${initrdBase.version}-probe`,
      build: async (args) => {
        seen = { options: args.options, kernel: args.inputs.kernel };
        throw new Error("probe stops here");
      },
    };
    const ctx = testContext({ ...bootOptions, system: { name: "elsewhere", version: "9.9.9" } });
    await expect(realise(probe, realiseOptions(ctx))).rejects.toThrow("probe stops here");
    const options = seen!.options as { boot: Record<string, unknown> };
    expect(Object.keys(options)).toEqual(["boot"]);
    expect(Object.keys(options.boot).sort()).toEqual(["initrd", "kernelModules", "stage2Init"]);
    expect(options.boot).toEqual({
      initrd: ctx.config.boot.initrd,
      kernelModules: ctx.config.boot.kernelModules,
      stage2Init: ctx.config.boot.stage2Init,
    });
    expect(Object.isFrozen(options.boot.initrd)).toBe(true);
    expect(seen!.kernel).toMatchObject({ builder: "kernel", image: expect.stringMatching(/bzImage$/) });
  }, 600_000);

  it("gives the command-line builder exactly the root device and the kernel parameters", async () => {
    let seen: unknown;
    const probe: Builder<CommandLineArtifact> = {
      ...commandLine,
      version: `${commandLine.version}-probe`,
      build: async (args) => {
        seen = args.options;
        throw new Error("probe stops here");
      },
    };
    const ctx = testContext({ ...bootOptions, system: { name: "elsewhere" } });
    await expect(realise(probe, realiseOptions(ctx))).rejects.toThrow("probe stops here");
    expect(seen).toEqual({ boot: { initrd: { rootDevice: "/dev/vda" }, kernelParams: ["console=ttyS0"] } });
    expect(commandLine.inputs).toEqual({ parts: commandLineParts });
    expect(commandLine.packageSets(seen)).toEqual([]);
  });

  it("buildInitrd refuses a kernel other than the one its configuration builds", async () => {
    const ctx = testContext(bootOptions);
    const foreign = { builder: "kernel", path: "/nowhere", digest: "0".repeat(64), cached: true } as KernelArtifact;
    await expect(buildInitrd(ctx, { kernel: foreign })).rejects.toThrow(/buildInitrd was given a kernel \(000000000000\) other than the one its configuration builds/);
  }, 600_000);

  it("comes with the kernel builder through initrdModule", () => {
    const { builders } = evalSystem({ imports: [initrdModule] });
    expect(buildGraph(builders).builders.map((b) => b.name).sort()).toEqual(["command-line", "initrd", "initrd-base", "kernel"]);
    expect(initrdBase.inputs).toEqual({ kernel });
    expect(initrd.inputs).toEqual({ base: initrdBase, parts: initrdParts });
    expect(initrd.reads).toEqual([]);
  });

  it("appends every initrd part to the base archive, 4-byte aligned; a changed part rebuilds the join alone", async () => {
    const options = { boot: { ...bootOptions.boot, initrd: { ...bootOptions.boot.initrd, compression: "none" } } } satisfies TestOptions;
    const build = async (text: string) => {
      const run = runGraph(buildGraph([initrd, testPart(text)]), { ...realiseOptions(testContext(options)), definitions: new Map(), sourceDateEpoch: 0 });
      const joined = (await run.realise("initrd")) as InitrdArtifact;
      return { joined, keys: Object.fromEntries(run.realisations.map((r) => [r.builder, r.key])), base: (await run.realise("initrd-base")) as InitrdArtifact, part: await run.realise("test-part") };
    };
    const one = await build("one");
    const two = await build("two");
    expect(two.keys["initrd-base"]).toBe(one.keys["initrd-base"]);
    expect(two.base.cached).toBe(true);
    expect(two.keys.initrd).not.toBe(one.keys.initrd);
    const base = await readFile(one.base.file);
    const part = await readFile((one.part as unknown as { archive: string }).archive);
    const pad = (4 - (base.byteLength % 4)) % 4;
    expect(Buffer.compare(await readFile(one.joined.file), Buffer.concat([base, Buffer.alloc(pad), part]))).toBe(0);
    expect(one.joined.size).toBe(base.byteLength + pad + part.byteLength);
    expect(one.joined.entries).toBe(one.base.entries + 3);
    // Both archives read back: the part's members after the base's.
    const members = await readCpio(Buffer.concat([base, Buffer.alloc(pad)]));
    expect(members.some((m) => m.path === "/init")).toBe(true);
    const added = await readCpio(gunzipSync(part));
    expect(added.find((m) => m.path === `/root-layers${PART_FILE}`)).toMatchObject({ type: "file", mode: 0o640, gid: 42 });
  }, 600_000);
});
