#!/usr/bin/env node
// `npm run lock [-- --refresh]`: bring notos.lock.json up to date with the
// package sets of the system's builders (`notos lock`). Builds the command
// and the packages the systems import first, when they are not built yet.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
if (!existsSync(`${root}packages/cli/dist/cli.js`) || !existsSync(`${root}packages/modules/dist/index.js`)) {
  execFileSync("npx", ["turbo", "run", "build", "--filter=@notos/systems^...", "--output-logs=errors-only"], { cwd: root, stdio: "inherit" });
}
try {
  execFileSync(process.execPath, [`${root}packages/cli/bin/notos.js`, "lock", ...process.argv.slice(2)], { stdio: "inherit" });
} catch (error) {
  process.exit(error.status ?? 1);
}
