#!/usr/bin/env node
// `node dist/cli.js dist`: the turbo `dist` task. Builds the etc layer of the
// configured system into the store (a no-op when the store has it) and copies
// layer.json and manifest.json to ./out for inspection.
import { runTask, writeLayerOutputs } from "@notos/core";
import { buildEtc } from "./build.js";

if (process.argv[2] !== "dist") {
  process.stderr.write("usage: notos-etc dist [--system FILE]   (build the etc layer into ./out)\n");
  process.exit(2);
}

await runTask(
  "etc",
  (ctx) => buildEtc(ctx, { definitions: ctx.system.definitions }),
  ([layer], out) => writeLayerOutputs(layer!, out),
);
