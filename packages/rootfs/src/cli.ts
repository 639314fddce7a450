#!/usr/bin/env node
// `node dist/cli.js dist`: the turbo `dist` task. Builds the etc and runit
// layers and the root of the configured system into the store (each step is
// a no-op when the store has it) and copies root.squashfs, manifest.json and
// sizes.json to ./out.
import { runTask, type Artifact } from "@notos/core";
import { buildEtc } from "@notos/etc";
import { buildRunit } from "@notos/runit";
import { buildRootfs, writeRootfsOutputs, type RootfsArtifact } from "./build.js";

if (process.argv[2] !== "dist") {
  process.stderr.write("usage: notos-rootfs dist [--system FILE]   (build root.squashfs into ./out)\n");
  process.exit(2);
}

await runTask<Artifact>(
  "rootfs",
  async (ctx) => {
    const options = { definitions: ctx.system.definitions };
    const [etc, runit] = await Promise.all([buildEtc(ctx, options), buildRunit(ctx, options)]);
    return [etc, runit, await buildRootfs(ctx, { layers: [etc, runit] })];
  },
  async (artifacts, out) => {
    await writeRootfsOutputs(artifacts.find((a): a is RootfsArtifact => a.builder === "rootfs")!, out);
  },
);
