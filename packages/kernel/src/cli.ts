#!/usr/bin/env node
// `node dist/cli.js dist [--system FILE]`: the turbo `dist` task. Builds the
// configured system's kernel (a no-op when the store has it) and writes
// bzImage, config, System.map and lib/modules/<version>/ to ./out.
import { NotosError, runTask } from "@notos/core";
import { buildKernel } from "./build.js";
import { writeKernelOutputs } from "./outputs.js";

if (process.argv[2] !== "dist") {
  process.stderr.write(`error: ${new NotosError("usage: notos-kernel dist [--system FILE]").message}\n`);
  process.exit(1);
}
await runTask("kernel", buildKernel, async ([kernel], out) => writeKernelOutputs(kernel!, out));
