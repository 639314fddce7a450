// The whole rootfs build (`notos dist`: resolve, download, extract, merge, squashfs) run by
// an unprivileged user: owners, modes and setuid bits come out exact, and the
// image is byte-identical to the one root builds from the same inputs.
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, describe as suite, expect, it } from "vitest";
import { describe, listImage } from "./unsquashfs.js";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const NOBODY = 65534;
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * The built packages and node_modules, linked (or copied) into a directory
 * uid 65534 can read: the checkout itself may sit in a private directory.
 */
async function runtimeFor(): Promise<{ dir: string; cli: string }> {
  const dir = mkdtempSync(join(tmpdir(), "notos-runtime-"));
  scratch.push(dir);
  chmodSync(dir, 0o755);
  const link = async (from: string, to: string) => {
    const r = await execa("cp", ["-al", from, to], { reject: false });
    if (r.exitCode !== 0) await execa("cp", ["-a", from, to]);
  };
  await link(join(repo, "node_modules"), join(dir, "node_modules"));
  // The rootfs task's own dependencies are built before its tests run; other packages may not be yet.
  for (const name of readdirSync(join(repo, "packages")).filter((n) => existsSync(join(repo, "packages", n, "dist")))) {
    mkdirSync(join(dir, "packages", name), { recursive: true });
    await link(join(repo, "packages", name, "package.json"), join(dir, "packages", name, "package.json"));
    await link(join(repo, "packages", name, "dist"), join(dir, "packages", name, "dist"));
    if (existsSync(join(repo, "packages", name, "bin"))) await link(join(repo, "packages", name, "bin"), join(dir, "packages", name, "bin"));
  }
  return { dir, cli: join(dir, "packages", "cli", "bin", "notos.js") };
}

// A system of the etc layer and the rootfs alone: no kernel to extract.
const SYSTEM = `import { etcModule } from "@notos/etc";
import { rootfsModule } from "@notos/rootfs";
export default {
  imports: [etcModule, rootfsModule],
  environment: { packages: ["bash", "coreutils", "passwd"] },
  users: { root: { uid: 0, group: "root", home: "/root", createHome: true, shell: "/bin/bash" } },
  groups: { root: { gid: 0 }, shadow: { gid: 42 }, nogroup: { gid: 65534 } },
};
`;

/** A system directory inside the runtime, where its configuration finds @notos/*. */
function workspace(runtime: string, owner: number): string {
  const dir = mkdtempSync(join(runtime, "system-"));
  writeFileSync(join(dir, "notos.config.ts"), SYSTEM);
  mkdirSync(join(dir, "cache"));
  for (const path of [dir, join(dir, "notos.config.ts"), join(dir, "cache")]) chownSync(path, owner, owner);
  return dir;
}

async function runDist(cli: string, dir: string, asUser: number | undefined): Promise<string> {
  const env = { ...process.env, HOME: dir, NOTOS_CACHE_DIR: join(dir, "cache"), NOTOS_SYSTEM: "", NOTOS_STORE: "" };
  const notos = [process.execPath, cli, "dist", "--out", join(dir, "out")];
  const command = asUser === undefined ? notos : ["setpriv", `--reuid=${asUser}`, `--regid=${asUser}`, "--clear-groups", ...notos];
  const r = await execa(command[0]!, command.slice(1), { cwd: dir, env, reject: false, stdin: "ignore" });
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  return join(dir, "out", "root.squashfs");
}

suite.runIf(process.getuid?.() === 0)("the rootfs task as an unprivileged user", () => {
  it("builds a root with exact owners and setuid bits, byte-identical to root's build", async () => {
    const { dir: runtime, cli } = await runtimeFor();
    const unprivileged = workspace(runtime, NOBODY);
    const image = await runDist(cli, unprivileged, NOBODY);
    const listed = await listImage(image);
    expect(describe(listed.get("/usr/bin/passwd"))).toBe("-rwsr-xr-x 0/0");
    // /etc/shadow is the etc layer's: it travels in the initrd (root-layers), not in the image.
    expect(listed.has("/etc/shadow")).toBe(false);
    expect(describe(listed.get("/root"))).toBe("drwx------ 0/0");
    expect(describe(listed.get("/"))).toBe("drwxr-xr-x 0/0");

    // Root builds the same system from the lock the unprivileged build wrote.
    const privileged = workspace(runtime, 0);
    copyFileSync(join(unprivileged, "notos.lock.json"), join(privileged, "notos.lock.json"));
    const reference = await runDist(cli, privileged, undefined);
    expect(readFileSync(image).equals(readFileSync(reference))).toBe(true);
  }, 600_000);
});
