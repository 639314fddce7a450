#!/usr/bin/env node
// One idempotent setup step that `npm run dist` and `npm test` run first:
// install the npm dependencies when they are missing or stale, and the
// Debian host tools the builders and the boot tests call; and refuse a
// remote cache that could not be used (see remote-cache.mjs). Quiet when
// there is nothing to do.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync, accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostTools } from "./host-tools.mjs";
import { remoteCacheProblem } from "./remote-cache.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

function onPath(cmd) {
  if (cmd.startsWith("/")) return existsSync(cmd);
  for (const dir of (process.env.PATH ?? "").split(delimiter).concat(["/usr/sbin", "/sbin"])) {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

function ensureHostTools() {
  const missing = hostTools.filter((t) => !onPath(t.need));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  const list = missing.map((t) => `  ${t.need} (Debian package ${t.pkg}): ${t.why}`).join("\n");
  if (!onPath("apt-get")) {
    fail(`notos needs these host tools, and this machine has no apt-get to install them:\n${list}\nInstall them with your package manager, then run the command again.`);
  }
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? [] : onPath("sudo") ? ["sudo", "-n"] : null;
  if (!sudo) {
    fail(`notos needs these host tools:\n${list}\nRun as root:  apt-get install -y ${pkgs.join(" ")}`);
  }
  console.log(`setup: installing Debian packages: ${pkgs.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync(sudo[0] ?? args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: ["ignore", "ignore", "inherit"], env });
  let r = run(["apt-get", "update", "-qq"]);
  if (r.status === 0) r = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...pkgs]);
  if (r.status !== 0) {
    fail(`apt-get could not install: ${pkgs.join(" ")} (exit ${r.status}).\nInstall them by hand:  apt-get install -y ${pkgs.join(" ")}`);
  }
  const still = hostTools.filter((t) => !onPath(t.need));
  if (still.length) fail(`still missing after apt-get: ${still.map((t) => t.need).join(", ")}`);
}

function ensureNodeModules() {
  const lock = join(root, "package-lock.json");
  const installed = join(root, "node_modules", ".package-lock.json");
  const fresh = existsSync(installed) && (!existsSync(lock) || statSync(installed).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  console.log("setup: installing npm dependencies");
  const args = existsSync(lock) ? ["ci", "--no-audit", "--no-fund", "--loglevel=error"] : ["install", "--no-audit", "--no-fund", "--loglevel=error"];
  execFileSync("npm", args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

const remoteCache = remoteCacheProblem({ env: process.env, root, home: process.env.HOME });
if (remoteCache) fail(remoteCache);
ensureNodeModules();
ensureHostTools();
