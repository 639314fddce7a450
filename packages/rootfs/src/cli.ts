#!/usr/bin/env node
// `node dist/cli.js dist`: the turbo `dist` task. Builds the etc and runit
// layers and the root of the configured system into the store (each step is
// a no-op when the store has it) and copies root.squashfs, manifest.json and
// sizes.json to ./out.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Store, createReporter, formatError, formatBytes, loadSystem } from "@notos/core";
import { buildEtc } from "@notos/etc";
import { buildRunit } from "@notos/runit";
import { buildRootfs, writeRootfsOutputs } from "./build.js";

async function main(args: string[]): Promise<void> {
  if (args[0] !== "dist") throw new Error("usage: notos-rootfs dist   (build root.squashfs into ./out)");
  const system = await loadSystem();
  const reporter = createReporter({ builder: "rootfs" });
  const ctx = { config: system.config, store: new Store(system.storeDir), lockFile: system.lockFile, reporter };
  const etc = await buildEtc({ ...ctx, reporter: reporter.child("etc") }, { definitions: system.definitions });
  const runit = await buildRunit({ ...ctx, reporter: reporter.child("runit") }, { definitions: system.definitions });
  const artifact = await buildRootfs(ctx, { layers: [etc, runit] });
  const out = await writeRootfsOutputs(artifact, "out");
  await writeFile(join("out", "artifact.json"), JSON.stringify(artifact, null, 2) + "\n");
  reporter.info(`${artifact.cached ? "cached" : "built"} ${out.image} (${formatBytes(artifact.size)}, ${artifact.compression})`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(formatError(error));
  process.exit(1);
});
