// The scaffolder as a user meets it: the files it writes for a name and a
// set of keys, what it refuses, and a configuration that notos evaluates.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createJiti } from "jiti";
import { evalSystem } from "@notos/core";
import { createProject, detectPackageManager, isPublicKey, packageName, readSshKeys, readTemplate, scaffold } from "../src/index.js";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = join(pkgDir, "..", "..");
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), "create-notos-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ+Jw9wxtBxL8g7O6QURWTuZ4AIsHfIBq70b3vYCXYbE me@laptop";

describe("scaffold", () => {
  const files = scaffold({ template: readTemplate(), name: "myos", authorizedKeys: [KEY], keySource: "~/.ssh/id_ed25519.pub", packageManager: "npm@11.19.1" });
  const file = (path: string) => files.find((f) => f.path === path)!.text;

  it("writes the five files, .gitignore with its dot", () => {
    expect(files.map((f) => f.path)).toEqual([".gitignore", "README.md", "notos.config.ts", "package.json", "turbo.json"]);
    expect(files.every((f) => !f.text.includes("{{"))).toBe(true);
  });

  it("puts the keys and the name into notos.config.ts", () => {
    expect(file("notos.config.ts")).toContain(`authorizedKeys: [\n        ${JSON.stringify(KEY)},\n      ],`);
    expect(file("notos.config.ts")).toContain("// Who may log in as root (from ~/.ssh/id_ed25519.pub).");
    expect(file("notos.config.ts")).toContain('system: { name: "myos" }');
  });

  it("says where a key goes when there is none", () => {
    const text = scaffold({ template: readTemplate(), name: "x", authorizedKeys: [], packageManager: "npm@11.19.1" }).find((f) => f.path === "notos.config.ts")!.text;
    expect(text).toContain("authorizedKeys: [],");
    expect(text).toContain("No key was found in ~/.ssh");
  });

  it("package.json: the name, turbo's packageManager, scripts that do not call themselves, @notos by version", () => {
    const pkg = JSON.parse(file("package.json")) as { name: string; packageManager: string; scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.name).toBe("myos");
    expect(pkg.packageManager).toBe("npm@11.19.1");
    expect(pkg.scripts.dist).toBe("turbo run notos:dist");
    expect(pkg.scripts["notos:dist"]).toBe("notos dist");
    const turbo = JSON.parse(file("turbo.json")) as { tasks: Record<string, { outputs: string[] }> };
    expect(Object.keys(turbo.tasks)).toEqual(["notos:dist"]);
    expect(turbo.tasks["notos:dist"]!.outputs).toContain("dist/**");
  });

  it("the template's @notos ranges take the versions of the workspace's packages", () => {
    const pkg = JSON.parse(file("package.json")) as { dependencies: Record<string, string> };
    for (const [name, range] of Object.entries(pkg.dependencies)) {
      const version = (JSON.parse(readFileSync(join(repoRoot, "packages", name.replace("@notos/", ""), "package.json"), "utf8")) as { version: string }).version;
      expect(range, name).toBe(`^${version}`);
    }
  });

  it("refuses a line that is not a public key", () => {
    expect(() => scaffold({ template: readTemplate(), name: "x", authorizedKeys: ["-----BEGIN OPENSSH PRIVATE KEY-----"], packageManager: "npm@1.0.0" })).toThrow(/not an SSH public key/);
  });
});

describe("names, keys and the package manager", () => {
  it("makes npm names from directory names", () => {
    expect(packageName("My OS")).toBe("my-os");
    expect(packageName("..")).toBeUndefined();
    expect(packageName("web.box_1")).toBe("web.box_1");
  });

  it("reads every key of ~/.ssh/*.pub in file-name order, once each, and nothing else", () => {
    const home = temp();
    mkdirSync(join(home, ".ssh"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "b", "-f", join(home, ".ssh", "b")]);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "a", "-f", join(home, ".ssh", "a")]);
    writeFileSync(join(home, ".ssh", "c.pub"), `${readFileSync(join(home, ".ssh", "a.pub"), "utf8")}not a key\n`);
    const { keys, files } = readSshKeys(home);
    expect(files).toEqual(["~/.ssh/a.pub", "~/.ssh/b.pub", "~/.ssh/c.pub"]);
    expect(keys).toEqual([readFileSync(join(home, ".ssh", "a.pub"), "utf8").trim(), readFileSync(join(home, ".ssh", "b.pub"), "utf8").trim()]);
    expect(keys.every(isPublicKey)).toBe(true);
    expect(readSshKeys(temp())).toEqual({ keys: [], files: [] });
  });

  it("takes npm's version from its user agent", () => {
    expect(detectPackageManager({ npm_config_user_agent: "npm/10.8.2 node/v20.20.2 linux x64 workspaces/false" })).toBe("npm@10.8.2");
    expect(detectPackageManager({})).toMatch(/^npm@\d+\.\d+\.\d+$/);
  });
});

describe("createProject", () => {
  it("writes the project and refuses a non-empty directory, writing nothing", () => {
    const dir = join(temp(), "webbox");
    const made = createProject({ dir, home: temp(), packageManager: "npm@11.19.1" });
    expect(readdirSync(dir).sort()).toEqual(made.files.map((f) => f.path));
    const taken = temp();
    writeFileSync(join(taken, "keep"), "");
    expect(() => createProject({ dir: taken })).toThrow(expect.objectContaining({ code: "CREATE_NOT_EMPTY" }));
    expect(readdirSync(taken)).toEqual(["keep"]);
  });

  it("refuses a key file without a public key, and a bad name", () => {
    const dir = temp();
    writeFileSync(join(dir, "id"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    expect(() => createProject({ dir: join(dir, "p"), keyFiles: [join(dir, "id")] })).toThrow(expect.objectContaining({ code: "CREATE_KEY" }));
    expect(() => createProject({ dir: join(dir, "q"), name: "Not A Name" })).toThrow(expect.objectContaining({ code: "CREATE_NAME" }));
  });

  it("writes a configuration that notos evaluates with the standard modules", async () => {
    const dir = join(temp(), "webbox");
    const home = temp();
    mkdirSync(join(home, ".ssh"));
    writeFileSync(join(home, ".ssh", "id_ed25519.pub"), `${KEY}\n`);
    createProject({ dir, home, packageManager: "npm@11.19.1" });
    // Imports resolve from this package (its devDependencies), as from the project's node_modules.
    const jiti = createJiti(import.meta.url, { moduleCache: false, alias: { "@notos/core": join(repoRoot, "packages/core/src/index.ts"), "@notos/modules": join(repoRoot, "packages/modules/src/index.ts") } });
    const system = (await jiti.import(join(dir, "notos.config.ts"), { default: true })) as Parameters<typeof evalSystem>[0];
    // The standard modules' options, as the project's editor sees them through @notos/modules' types.
    const config = evalSystem(system).config as unknown as {
      system: { name: string };
      users: Record<string, { authorizedKeys?: string[] }>;
      environment: { etc: Record<string, { text?: string }> };
    };
    expect(config.system.name).toBe("webbox");
    expect(config.users.root?.authorizedKeys).toEqual([KEY]);
    expect(config.environment.etc.motd?.text).toBe("Welcome to webbox.\n");
  });
});

describe("the command", () => {
  const bin = join(pkgDir, "bin", "create-notos.js");
  it("prints its usage, and an error with a hint for a bad argument", () => {
    const help = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm create notos/);
    const bad = spawnSync(process.execPath, [bin, "--nope"], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe("error: unknown option --nope\nhint: usage: npm create notos [DIR] [-- --name NAME] [-- --key FILE.pub]\n");
  });
});
