// The README's commands, run as written: each `npm create notos …` line of
// its sh blocks is the package's bin with the words after `notos` (npm hands
// them over, less the `--` that ends npm's own options; the shell expands
// `~`), in a directory of its own with a home that has the README's keys.
// The project holds the files of the README's table and says the next steps
// the README shows. Only `npm create`'s download from the registry is left
// out; tests/create runs the whole path from the tarball.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(join(pkgDir, "README.md"), "utf8");
const bin = join(pkgDir, "bin", "create-notos.js");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const KEYS = {
  "id_ed25519.pub": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ+Jw9wxtBxL8g7O6QURWTuZ4AIsHfIBq70b3vYCXYbE me@laptop\n",
  "work.pub": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBv7h0KQnnm8c5RbV0KnTNd9wF8sVb2ZKJ9mL0W0Q2rX me@work\n",
};

/** Every `npm create notos …` line of the README's sh blocks. */
const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split("\n")).filter((l) => l.startsWith("npm create notos"));
/** What the README says to run next: the commands of the block after "says what to run next". */
const nextSteps = /says what to run next:\n\n```sh\n([\s\S]*?)```/
  .exec(readme)![1]!
  .split("\n")
  .map((l) => l.replace(/\s+#.*$/, "").trim())
  .filter(Boolean);

it("shows the command with and without options, and the next steps", () => {
  expect(commands).toEqual(["npm create notos myos", "npm create notos myos -- --name my-os --key ~/.ssh/work.pub"]);
  expect(nextSteps).toEqual(["cd myos", "npm install", "npm run dist", "./dist/runvm"]);
});

it.each(commands.map((c) => [c]))("%s: writes the project the README describes", (command) => {
  const home = mkdtempSync(join(tmpdir(), "create-notos-readme-home-"));
  const cwd = mkdtempSync(join(tmpdir(), "create-notos-readme-"));
  dirs.push(home, cwd);
  mkdirSync(join(home, ".ssh"));
  for (const [name, key] of Object.entries(KEYS)) writeFileSync(join(home, ".ssh", name), key);
  const words = command
    .split(/\s+/)
    .slice(3)
    .filter((w) => w !== "--")
    .map((w) => w.replace(/^~(?=\/)/, home));
  const r = spawnSync(process.execPath, [bin, ...words], { cwd, encoding: "utf8", env: { ...process.env, HOME: home } });
  expect(r.status, r.stderr).toBe(0);

  const project = join(cwd, "myos");
  expect(readdirSync(project).sort()).toEqual([".gitignore", "README.md", "notos.config.ts", "package.json", "turbo.json"]);
  for (const step of nextSteps) expect(r.stdout).toContain(step);
  const config = readFileSync(join(project, "notos.config.ts"), "utf8");
  const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { name: string; scripts: Record<string, string> };
  expect(pkg.scripts.dist).toBe("turbo run notos:dist");
  if (command.includes("--key")) {
    // --key chooses instead of ~/.ssh/*.pub.
    expect(pkg.name).toBe("my-os");
    expect(config).toContain(KEYS["work.pub"].trim());
    expect(config).not.toContain(KEYS["id_ed25519.pub"].trim());
  } else {
    // Every key of ~/.ssh/*.pub, in file-name order.
    expect(pkg.name).toBe("myos");
    expect(config.indexOf(KEYS["id_ed25519.pub"].trim())).toBeLessThan(config.indexOf(KEYS["work.pub"].trim()));
    expect(config.indexOf(KEYS["id_ed25519.pub"].trim())).toBeGreaterThan(-1);
  }
});
