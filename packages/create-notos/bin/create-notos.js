#!/usr/bin/env node
// `npm create notos` runs this bin. It is committed outside dist/ so that npm
// links it at install time in a fresh clone too, before anything is built.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  console.error("create-notos: not built yet (no dist/cli.js); run `npm run build` first.");
  process.exit(1);
}
await import(cli.href);
