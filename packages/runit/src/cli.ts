#!/usr/bin/env node
// `node dist/cli.js dist`: the turbo `dist` task. Builds the runit layer of the
// configured system into the store (a no-op when the store has it) and copies
// layer.json and manifest.json to ./out for inspection.
import { runTask, writeLayerOutputs } from "@notos/core";
import { buildRunit } from "./build.js";

if (process.argv[2] !== "dist") {
  process.stderr.write("usage: notos-runit dist [--system FILE]   (build the runit layer into ./out)\n");
  process.exit(2);
}

await runTask(
  "runit",
  (ctx) => buildRunit(ctx, { definitions: ctx.system.definitions }),
  ([layer], out) => writeLayerOutputs(layer!, out),
);
