// The README's commands, as someone on a brand-new machine would type them.
//
// Every command is checked against what the repository provides (npm
// scripts, bins, host tools, files). The ones that run non-interactively in
// seconds run for real, in a fresh `git clone`: that is the only place where
// an npx bin that npm failed to link shows up, because the working tree has
// long had node_modules and dist/. `npm run dist`, `npm test` and booting
// `./dist/runvm` take minutes or a terminal, so they are not run here; the
// boot tests and the bench cover what they do.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alwaysPresentPrograms, hostTools } from "../../scripts/host-tools.mjs";
import { readmeCommands, type ReadmeCommand } from "./commands.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const commands = readmeCommands(readme);
const rootPackage = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** bin name → the package that provides it, from the workspaces and the root's devDependencies. */
function knownBins(): Map<string, string> {
  const bins = new Map<string, string>();
  const add = (dir: string) => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; bin?: string | Record<string, string> };
    if (typeof pkg.bin === "string") bins.set(pkg.name.replace(/^@[^/]+\//, ""), pkg.name);
    else for (const name of Object.keys(pkg.bin ?? {})) bins.set(name, pkg.name);
  };
  for (const dir of readdirSync(join(repoRoot, "packages"))) add(join(repoRoot, "packages", dir));
  for (const dep of Object.keys(rootPackage.devDependencies)) add(join(repoRoot, "node_modules", dep));
  return bins;
}

/** Files under dist/ are made by `npm run dist`; the README's dist/ table is the list of them. */
function distTableFiles(): string[] {
  const table = readme.slice(readme.indexOf("| file | what it is |"));
  return [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

function checkStatic(cmd: ReadmeCommand): void {
  for (const [name, value] of Object.entries(cmd.env)) {
    if (value.includes("/")) expect(existsSync(join(repoRoot, value)), `${name}=${value}: no such file`).toBe(true);
  }
  if (cmd.program === "npm") {
    const script = cmd.args[0] === "run" ? cmd.args[1] : cmd.args[0];
    expect(["run", "test"], `npm ${cmd.args.join(" ")}: not a form this test knows`).toContain(cmd.args[0]);
    expect(Object.keys(rootPackage.scripts), `npm script ${script}`).toContain(script);
  } else if (cmd.program === "npx") {
    const bin = cmd.args[0]!;
    expect(knownBins().has(bin), `npx ${bin}: no workspace package or root devDependency provides this bin, so npx would fetch it`).toBe(true);
  } else if (cmd.program.startsWith("./dist/")) {
    expect(distTableFiles(), `${cmd.program} is not in the README's dist/ table`).toContain(cmd.program.slice("./dist/".length));
    const built = join(repoRoot, cmd.program);
    // Only after `npm run dist` has run in this checkout can the file itself be looked at.
    if (existsSync(built)) expect(statSync(built).mode & 0o111, `${cmd.program} is not executable`).not.toBe(0);
  } else {
    const provided = [...hostTools.map((t) => t.need), ...alwaysPresentPrograms];
    expect(provided, `${cmd.program}: not on the host-tools list, so setup does not install it`).toContain(cmd.program);
  }
}

describe("README commands", () => {
  it("finds the commands in the README", () => {
    const lines = commands.map((c) => c.line);
    expect(lines).toContain("npm run dist");
    expect(lines).toContain("npm test");
    expect(lines).toContain("./dist/runvm");
    expect(lines).toContain("npx notos options");
  });

  it.each(commands.map((c) => [`${c.section}: ${c.line}`, c] as const))("%s names something the repository provides", (_, cmd) => {
    checkStatic(cmd);
  });
});

// A fresh clone sees committed files only, like a new machine: commit a
// change before expecting this part to see it.
const isCheckout = spawnSync("git", ["-C", repoRoot, "rev-parse", "--is-inside-work-tree"], { encoding: "utf8" }).stdout?.trim() === "true";

describe.skipIf(!isCheckout)("README commands in a fresh clone", () => {
  let clone = "";

  /** npx may use only what the clone has installed: offline, and never prompting to fetch a package. */
  const offlineEnv = { ...process.env, npm_config_offline: "true", npm_config_yes: "false" };

  function inClone(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
    return spawnSync(program, args, { cwd: clone, env, encoding: "utf8", timeout: 240_000 });
  }

  /** The workspace package whose bin npm linked under this name. */
  function packageOfBin(bin: string): string {
    let dir = dirname(realpathSync(join(clone, "node_modules", ".bin", bin)));
    while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string }).name;
  }

  function expectOk(r: SpawnSyncReturns<string>, what: string): void {
    expect(r.status, `${what} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  }

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), "notos-readme-"));
    expectOk(spawnSync("git", ["clone", "-q", repoRoot, clone], { encoding: "utf8" }), "git clone");
    // The setup step `npm run dist` and `npm test` both start with: npm ci
    // and the host tools. The npm cache already holds every locked package
    // (the checkout running this test was installed from the same lock), so
    // prefer it over the network.
    expectOk(inClone("node", ["scripts/setup.mjs"], { ...process.env, npm_config_prefer_offline: "true" }), "node scripts/setup.mjs");
  });

  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it("links every npx bin the README names before anything is built", () => {
    for (const cmd of commands.filter((c) => c.program === "npx")) {
      expect(existsSync(join(clone, "node_modules", ".bin", cmd.args[0]!)), `node_modules/.bin/${cmd.args[0]} after setup`).toBe(true);
    }
    // The launcher answers, rather than npx looking the name up in the registry.
    const r = inClone("npx", ["notos", "options"], offlineEnv);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("run `npm run build` first");
  });

  it("runs the README's npx notos commands once the CLI is built", () => {
    // `npm run dist` builds every package and then the OS (minutes, and the
    // Debian archive); `npx notos` needs only the builds of the package its
    // bin links to and of what the system configuration imports.
    const packages = new Set([`${packageOfBin("notos")}...`]);
    for (const m of readFileSync(join(clone, "notos.config.ts"), "utf8").matchAll(/from "(@notos\/[^"]+)"/g)) packages.add(`${m[1]}...`);
    const filters = [...packages].map((p) => `--filter=${p}`);
    expectOk(inClone("npx", ["turbo", "run", "build", ...filters, "--output-logs=errors-only"], offlineEnv), "turbo run build");
    const notos = commands.filter((c) => c.program === "npx" && c.args[0] === "notos");
    expect(notos.length).toBeGreaterThan(0);
    for (const cmd of notos) {
      const r = inClone("npx", cmd.args, { ...offlineEnv, ...cmd.env });
      expectOk(r, cmd.line);
      if (cmd.args[1] === "options") {
        expect(r.stdout).toMatch(/^system\.name\n {2}type: string\n {2}default: /m);
      }
    }
    const help = inClone("npx", ["notos", "--help"], offlineEnv);
    expectOk(help, "npx notos --help");
    expect(help.stdout).toMatch(/^usage: notos /);
  });
});
