// The path of someone who never clones this repository: every package as
// `npm pack` makes it, in a directory outside the repository (no workspace
// links, no node_modules above), `npm create notos` from its tarball, the
// other tarballs installed in place of the registry, `npm run dist` through
// turbo, an /etc edit that rebuilds only what it touches, and one boot of
// ./dist/runvm answering over ssh and http.
//
// The build shares the notos store with the rest of the suite (NOTOS_STORE,
// else the repository's .notos/store), so the kernel and initrd are cache
// hits once any test has built them; the project gets the repository's
// committed notos.lock.json, as a fresh clone would, so the same Debian
// packages (and the shared download cache) are used.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const store = resolve(repoRoot, process.env.NOTOS_STORE || join(".notos", "store"));

interface Packed {
  name: string;
  filename: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", ...env },
  });
}

function expectOk(r: SpawnSyncReturns<string>, what: string): string {
  expect(r.status, `${what} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return `${r.stdout}\n${r.stderr}`;
}

/** The builders' closing lines of a `notos dist` log: builder → "cached" | "built". */
function builderResults(log: string): Record<string, string> {
  const results: Record<string, string> = {};
  for (const m of log.matchAll(/^(?:notos:dist: )?([a-z0-9-]+): (cached|built in [\d.]+s)$/gm)) results[m[1]!] = m[2]!.startsWith("built") ? "built" : "cached";
  return results;
}

describe("npm create notos, from the published tarballs", () => {
  let work = "";
  let project = "";
  let key = "";
  let publicKey = "";
  let vm: ChildProcess | undefined;
  let vmLog = "";
  const packed = new Map<string, string>();
  const projectEnv = { NOTOS_STORE: store, NOTOS_ACCEL: "tcg" };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "notos-create-"));
    expect(relative(repoRoot, work).startsWith(".."), "the project must be outside the repository").toBe(true);

    // Every publishable package, as npm would publish it.
    const dirs = readdirSync(join(repoRoot, "packages")).filter((d) => {
      const file = join(repoRoot, "packages", d, "package.json");
      return existsSync(file) && !(JSON.parse(readFileSync(file, "utf8")) as { private?: boolean }).private;
    });
    const packs = join(work, "packs");
    mkdirSync(packs);
    const r = expectOk(run("npm", ["pack", "--json", "--pack-destination", packs, ...dirs.map((d) => `--workspace=packages/${d}`)], repoRoot), "npm pack");
    for (const p of JSON.parse(r.slice(r.indexOf("["), r.lastIndexOf("]") + 1)) as Packed[]) packed.set(p.name, join(packs, p.filename));
    expect(packed.has("create-notos")).toBe(true);

    // A home whose ~/.ssh holds the key the scaffolder should find.
    const home = join(work, "home");
    mkdirSync(join(home, ".ssh"), { recursive: true });
    key = join(home, ".ssh", "id_ed25519");
    expectOk(run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "notos-create-test", "-f", key], work), "ssh-keygen");
    publicKey = readFileSync(`${key}.pub`, "utf8").trim();

    // `npm create notos myos` is `npm exec create-notos -- myos`; here from the tarball.
    expectOk(run("npm", ["exec", "--yes", "--prefer-offline", `--package=${packed.get("create-notos")}`, "--", "create-notos", "myos"], work, { HOME: home }), "create-notos");
    project = join(work, "myos");
  }, 300_000);

  afterAll(() => {
    if (vm?.pid !== undefined && vm.exitCode === null) process.kill(-vm.pid, "SIGKILL");
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("scaffolds package.json, turbo.json, notos.config.ts with the user's key, .gitignore and a README", () => {
    expect(readdirSync(project).sort()).toEqual([".gitignore", "README.md", "notos.config.ts", "package.json", "turbo.json"]);
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { name: string; dependencies: Record<string, string>; scripts: Record<string, string>; packageManager: string };
    expect(pkg.name).toBe("myos");
    expect(pkg.packageManager).toMatch(/^npm@\d+\.\d+\.\d+$/);
    // By version, as from the registry.
    for (const [name, range] of Object.entries(pkg.dependencies)) {
      expect(name).toMatch(/^@notos\//);
      expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
    }
    expect(readFileSync(join(project, "notos.config.ts"), "utf8")).toContain(JSON.stringify(publicKey));
    expect(readFileSync(join(project, "README.md"), "utf8")).toMatch(/npm run dist[\s\S]*\.\/dist\/runvm/);
  });

  it("installs the other tarballs in place of the registry, and package.json keeps its versions", () => {
    const before = readFileSync(join(project, "package.json"), "utf8");
    const others = [...packed].filter(([name]) => name !== "create-notos").map(([, file]) => file);
    // The registry would serve these by version; --no-save keeps package.json's ranges.
    expectOk(run("npm", ["install", "--no-save", "--prefer-offline", "--loglevel=error", ...others], project), "npm install");
    expect(readFileSync(join(project, "package.json"), "utf8")).toBe(before);
    // Nothing links back into the repository.
    for (const dep of ["cli", "core", "modules", "debian"]) {
      const installed = join(project, "node_modules", "@notos", dep);
      expect(statSync(installed).isDirectory() && !relative(repoRoot, resolve(installed)).startsWith("packages"), dep).toBe(true);
    }
    // The lock a fresh clone of the repository has: the same Debian packages as the rest of the suite.
    copyFileSync(join(repoRoot, "notos.lock.json"), join(project, "notos.lock.json"));
  }, 300_000);

  it("npm run dist builds dist/ through turbo", () => {
    const log = expectOk(run("npm", ["run", "dist"], project, projectEnv), "npm run dist");
    // turbo ran the project's one task (its version banner is left out when CI is set).
    expect(log).toMatch(/^notos:dist: .*\bdist: dist \(/m);
    expect(log).toMatch(/Tasks: +1 successful, 1 total/);
    for (const f of ["kernel", "initrd", "root.squashfs", "command-line", "runvm"]) expect(existsSync(join(project, "dist", f)), `dist/${f}`).toBe(true);
    expect(statSync(join(project, "dist", "runvm")).mode & 0o111).not.toBe(0);
    expect(Object.keys(builderResults(log)).sort()).toEqual(["command-line", "etc", "initrd", "initrd-base", "kernel", "root-layers", "rootfs", "runit", "runvm"]);
  }, 600_000);

  it("an /etc edit rebuilds the etc layer, the layers' archive, the initrd join and dist/, and never root.squashfs", () => {
    const config = join(project, "notos.config.ts");
    const text = readFileSync(config, "utf8");
    expect(text).toContain('motd: { text: "Welcome to myos.\\n" }');
    writeFileSync(config, text.replace('motd: { text: "Welcome to myos.\\n" }', 'motd: { text: "edited from outside\\n" }'));
    const log = expectOk(run("npm", ["run", "dist"], project, projectEnv), "npm run dist after the edit");
    expect(log).toContain("cache miss");
    expect(builderResults(log)).toEqual({ "command-line": "cached", etc: "built", "root-layers": "built", initrd: "built", "initrd-base": "cached", kernel: "cached", rootfs: "cached", runit: "cached", runvm: "cached" });
  }, 600_000);

  it("./dist/runvm boots it: ssh logs in with the user's key, nginx answers over http", async () => {
    vm = spawn(join(project, "dist", "runvm"), [], { cwd: project, env: { ...process.env, NOTOS_ACCEL: "tcg" }, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    vm.stdout!.on("data", (d: Buffer) => (vmLog += d.toString()));
    vm.stderr!.on("data", (d: Buffer) => (vmLog += d.toString()));
    const ssh = (command: string) =>
      run("ssh", ["-p", "2222", "-i", key, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "root@127.0.0.1", command], work);
    let motd: SpawnSyncReturns<string> | undefined;
    for (let attempt = 0; attempt < 60 && vm.exitCode === null; attempt++) {
      motd = ssh("cat /etc/motd");
      if (motd.status === 0) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(motd?.status, `ssh never answered; console:\n${vmLog.slice(-4000)}\n${motd?.stderr}`).toBe(0);
    expect(motd!.stdout).toBe("edited from outside\n");
    const page = run("curl", ["-sS", "--max-time", "20", "http://127.0.0.1:9080/"], work);
    expect(page.status, page.stderr).toBe(0);
    expect(page.stdout).toContain("myos");
    // runit's poweroff ends QEMU.
    const exited = new Promise<number | null>((r) => vm!.once("exit", (code) => r(code)));
    ssh("poweroff");
    expect(await exited).toBe(0);
  }, 300_000);
});
