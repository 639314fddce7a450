#!/usr/bin/env node
// `npm run lock [-- --refresh]`: resolve the configured Debian package sets
// into notos.lock.json. turbo runs it as the `//#lock` task before any
// builder; run by hand it first builds what it needs.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = `${root}packages/debian/dist/cli.js`;
if (!existsSync(cli) || !existsSync(`${root}packages/modules/dist/index.js`)) {
  execFileSync("npx", ["turbo", "run", "build", "--filter=@notos/debian...", "--filter=@notos/modules...", "--output-logs=errors-only"], {
    cwd: root,
    stdio: "inherit",
  });
}
try {
  execFileSync(process.execPath, [cli, "lock", ...process.argv.slice(2)], { stdio: "inherit" });
} catch (error) {
  process.exit(error.status ?? 1);
}
