#!/usr/bin/env node
// `node dist/cli.js dist [OUT]`: build the configured system's kernel and
// write it to OUT (default `out/`), for the turbo `dist` task.
import { resolve } from "node:path";
import { Store, createReporter, formatError, loadSystem } from "@notos/core";
import { buildKernel } from "./build.js";
import { writeKernelOutputs } from "./outputs.js";

async function main(argv: string[]): Promise<void> {
  const [command, out = "out"] = argv;
  if (command !== "dist") {
    throw Object.assign(new Error(`unknown command ${JSON.stringify(command ?? "")}`), { hint: "usage: notos-kernel dist [OUT]" });
  }
  const system = await loadSystem();
  const reporter = createReporter({ builder: "kernel" });
  const artifact = await buildKernel({ config: system.config, store: new Store(system.storeDir), lockFile: system.lockFile, reporter });
  await writeKernelOutputs(artifact, resolve(out));
  reporter.info(`wrote ${out}/: bzImage, config, System.map, lib/modules/${artifact.version} (${artifact.modules.length} modules)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(formatError(error) + "\n");
  process.exitCode = 1;
});
