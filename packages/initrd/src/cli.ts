#!/usr/bin/env node
// `node dist/cli.js dist [--system FILE]`: the turbo `dist` task. Builds the
// configured system's kernel and initrd (no-ops when the store has them)
// and writes ./out/initrd.
import { NotosError, runTask } from "@notos/core";
import { buildKernel } from "@notos/kernel";
import { buildInitrd } from "./build.js";
import { writeInitrdOutputs } from "./outputs.js";

if (process.argv[2] !== "dist") {
  process.stderr.write(`error: ${new NotosError("usage: notos-initrd dist [--system FILE]").message}\n`);
  process.exit(1);
}
await runTask(
  "initrd",
  async (ctx) => buildInitrd(ctx, { kernel: await buildKernel(ctx) }),
  async ([initrd], out) => writeInitrdOutputs(initrd!, out),
);
