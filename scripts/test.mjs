#!/usr/bin/env node
// `npm test`: first the changeset check (a second; a change to a published
// package without a changeset fails here, before the long run), then every
// package's tests through turbo (one task at a time: the boot tests need
// both cores), then one closing line with the totals.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit" }).status ?? 1;

const changesets = run(process.execPath, ["scripts/check-changeset.mjs"]);
if (changesets !== 0) process.exit(changesets);
const turbo = run("npx", ["turbo", "run", "test", "--concurrency=1", "--continue", ...process.argv.slice(2)]);
const summary = run(process.execPath, ["scripts/test-summary.mjs"]);
process.exit(turbo || summary);
