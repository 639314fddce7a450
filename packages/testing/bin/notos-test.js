#!/usr/bin/env node
// npm links bins at install time, before anything is built: this launcher is
// committed so that `npx notos-test` on a fresh clone finds the workspace's
// command instead of asking the registry.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  console.error("notos-test: @notos/testing is not built yet (no dist/cli.js); run `npm run build` first.");
  process.exit(1);
}
await import(cli.href);
