#!/usr/bin/env node
// `node dist/cli.js dist [OUT]`: build the configured system's kernel and
// initrd and write OUT/initrd (default `out/`), for the turbo `dist` task.
import { resolve } from "node:path";
import { Store, createReporter, formatError, loadSystem } from "@notos/core";
import { buildKernel } from "@notos/kernel";
import { buildInitrd } from "./build.js";
import { writeInitrdOutputs } from "./outputs.js";

async function main(argv: string[]): Promise<void> {
  const [command, out = "out"] = argv;
  if (command !== "dist") {
    throw Object.assign(new Error(`unknown command ${JSON.stringify(command ?? "")}`), { hint: "usage: notos-initrd dist [OUT]" });
  }
  const system = await loadSystem();
  const reporter = createReporter({ builder: "initrd" });
  const ctx = { config: system.config, store: new Store(system.storeDir), lockFile: system.lockFile, reporter };
  const kernel = await buildKernel(ctx);
  const initrd = await buildInitrd(ctx, { kernel });
  await writeInitrdOutputs(initrd, resolve(out));
  reporter.info(`wrote ${out}/initrd: ${initrd.size} bytes, ${initrd.compression}, ${initrd.entries} entries`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(formatError(error) + "\n");
  process.exitCode = 1;
});
