#!/usr/bin/env node
// One idempotent setup step that `npm run dist` and `npm test` run first:
// install the npm dependencies when they are missing or stale, and the
// Debian host tools the builders and the boot tests call. Quiet when there
// is nothing to do.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync, accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Host commands (or files) the project needs, and the Debian package that ships each. */
const hostTools = [
  { need: "qemu-system-x86_64", pkg: "qemu-system-x86", why: "boots the system (runvm, boot tests)" },
  { need: "sqfstar", pkg: "squashfs-tools", why: "packs root.squashfs" },
  { need: "unsquashfs", pkg: "squashfs-tools", why: "inspects root.squashfs in tests" },
  { need: "gpgv", pkg: "gpgv", why: "verifies the Debian archive's InRelease" },
  { need: "/usr/share/keyrings/debian-archive-keyring.gpg", pkg: "debian-archive-keyring", why: "the keys InRelease is signed with" },
  { need: "xz", pkg: "xz-utils", why: "unpacks .deb data and Packages.xz" },
  { need: "zstd", pkg: "zstd", why: "unpacks .deb data and compresses images" },
  { need: "ssh-keygen", pkg: "openssh-client", why: "test keys and ssh into the VM" },
  { need: "ssh", pkg: "openssh-client", why: "ssh into the VM" },
  { need: "cpio", pkg: "cpio", why: "checks initrd archives in tests" },
  { need: "bsdtar", pkg: "libarchive-tools", why: "checks initrd archives in tests" },
  { need: "curl", pkg: "curl", why: "talks to nginx in the boot tests" },
  { need: "shellcheck", pkg: "shellcheck", why: "checks the generated runit scripts in tests" },
  { need: "openssl", pkg: "openssl", why: "checks the VM's TLS certificate in the boot tests" },
];

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

ensureNodeModules();
ensureHostTools();
