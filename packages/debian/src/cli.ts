#!/usr/bin/env node
// notos-debian: lock the system's Debian packages (notos.lock.json).
import { parseArgs } from "node:util";
import { Store, createReporter, formatError, loadSystem } from "@notos/core";
import { lockSystem, type SetChange } from "./packages.js";

const USAGE = `usage: notos-debian lock [--refresh] [--system FILE]

  lock        resolve the package sets whose definition changed and write notos.lock.json
  --refresh   resolve every set again (take the archive's newest versions)
  --system    the configuration file (default: NOTOS_SYSTEM, else notos.config.ts)`;

function describe(change: SetChange): string[] {
  const lines: string[] = [];
  const count = change.added.length + change.removed.length + change.changed.length;
  if (change.status === "kept") return [`${change.name}: unchanged (locked)`];
  lines.push(`${change.name}: resolved${count === 0 ? ", no changes" : ""}`);
  for (const p of change.added) lines.push(`  + ${p.name} ${p.version} (${p.suite})`);
  for (const p of change.removed) lines.push(`  - ${p.name} ${p.version}`);
  for (const c of change.changed) lines.push(`  ~ ${c.name} ${c.from} → ${c.to}`);
  return lines;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { refresh: { type: "boolean", default: false }, system: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (positionals[0] !== "lock" || positionals.length > 1) {
    process.stderr.write(USAGE + "\n");
    return 2;
  }
  const system = await loadSystem(values.system ? { file: values.system } : {});
  const reporter = createReporter({ builder: "debian" });
  const result = await lockSystem({ config: system.config, store: new Store(system.storeDir), lockFile: system.lockFile, reporter }, { refresh: values.refresh });
  for (const change of result.sets) for (const line of describe(change)) process.stdout.write(line + "\n");
  process.stdout.write(`${result.written ? "wrote" : "up to date:"} ${system.lockFile}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(formatError(error) + "\n");
    process.exit(1);
  },
);
