#!/usr/bin/env node
// `node dist/cli.js dist`: the turbo `dist` task. Builds the runit layer of the
// configured system into the store and copies it to ./out for inspection.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Store, createReporter, formatError, loadSystem } from "@notos/core";
import { buildRunit } from "./build.js";

async function main(args: string[]): Promise<void> {
  if (args[0] !== "dist") throw new Error("usage: notos-runit dist   (build the runit layer into ./out)");
  const system = await loadSystem();
  const reporter = createReporter({ builder: "runit" });
  const ctx = { config: system.config, store: new Store(system.storeDir), lockFile: system.lockFile, reporter };
  const artifact = await buildRunit(ctx, { definitions: system.definitions });
  await mkdir("out", { recursive: true });
  for (const name of ["layer.json", "manifest.json"]) await copyFile(join(artifact.path, name), join("out", name));
  await writeFile(join("out", "artifact.json"), JSON.stringify(artifact, null, 2) + "\n");
  reporter.info(`${artifact.cached ? "cached" : "built"} ${artifact.path}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(formatError(error));
  process.exit(1);
});
