// The commands on a real system of small builders (no Debian packages), in
// a directory of its own: dist/ assembled from the builders' files, each
// builder once, early cutoff on a second run, `why` naming the option that
// changed, a JSON Schema that accepts the system's configuration and refuses
// a broken one, and the committed bin that works before and after a build.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../src/commands.js";

const here = fileURLToPath(new URL(".", import.meta.url));
let dir: string;

async function cli(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, interactive: false });
  return { code, stdout, stderr };
}

function writeConfig(greeting: string): void {
  writeFileSync(
    join(dir, "notos.config.ts"),
    `import { defineSystem } from "@notos/core";
import { small } from "../fixtures/small/builders.ts";
export default defineSystem({ imports: [small], greeting: { text: ${JSON.stringify(greeting)} } });
`,
  );
}

beforeAll(() => {
  // Inside the package, so the configuration resolves @notos/core as a user's would.
  dir = mkdtempSync(join(here, ".work-"));
  vi.stubEnv("NOTOS_SYSTEM", "");
  vi.stubEnv("NOTOS_STORE", join(dir, "store"));
  vi.stubEnv("SOURCE_DATE_EPOCH", "");
  writeConfig("hello");
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("notos on a system of small builders", () => {
  it("dist builds each builder once and writes every builder's files, with fixed modes and times", async () => {
    const first = await cli(["dist", "--out", "dist"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^greeting: built in /m);
    expect(first.stdout).toMatch(/^host: built in /m);
    expect(first.stdout).toMatch(/^listing: built in /m);
    expect(first.stdout).toContain("3 of 3 builders did work");
    expect(readdirSync(join(dir, "dist")).sort()).toEqual(["layers.txt", "run"]);
    expect(readFileSync(join(dir, "dist", "layers.txt"), "utf8")).toMatch(/^greeting [0-9a-f]{64}\nhost [0-9a-f]{64}\n$/);
    expect(statSync(join(dir, "dist", "run")).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, "dist", "layers.txt")).mode & 0o777).toBe(0o644);
    expect(statSync(join(dir, "dist", "run")).mtimeMs).toBe(0);

    const again = await cli(["dist", "--out", "dist"]);
    expect(again.stdout).toContain("0 of 3 builders did work");
  });

  it("why names the option that changed, and dist then rebuilds only what it reaches", async () => {
    expect((await cli(["why"])).stdout).toBe("greeting: up to date (in the store)\nhost: up to date (in the store)\nlisting: up to date (in the store)\n");
    writeConfig("bonjour");
    const why = await cli(["why"]);
    expect(why.stdout).toContain('greeting: would build\n  option greeting.text: "hello" → "bonjour"\n');
    expect(why.stdout).toContain("host: up to date");
    expect(why.stdout).toContain("listing: would build after its inputs\n  input layers/greeting: will be rebuilt first\n");
    const dist = await cli(["dist", "--out", "dist"]);
    expect(dist.stdout).toMatch(/^greeting: built/m);
    expect(dist.stdout).toMatch(/^host: cached/m);
    expect(dist.stdout).toMatch(/^listing: built/m);
  });

  it("leaves the build's store entries beside dist/, where a build with an empty store finds them instead of building", async () => {
    const carried = readdirSync(join(dir, ".notos", "carry")).sort();
    expect(carried.map((name) => name.replace(/^[0-9a-f]{32}-/, ""))).toEqual(["greeting", "host", "listing"].sort());
    vi.stubEnv("NOTOS_STORE", join(dir, "another-store"));
    try {
      const fresh = await cli(["dist", "--out", "dist"]);
      expect(fresh.stdout).toContain("0 of 3 builders did work");
      expect(readdirSync(join(dir, "another-store")).sort()).toEqual(carried);
      // A carried entry whose file was changed is not used: that builder runs again.
      rmSync(join(dir, "another-store"), { recursive: true });
      const host = carried.find((name) => name.endsWith("-host"))!;
      const file = readdirSync(join(dir, ".notos", "carry", host)).find((name) => !name.startsWith("."))!;
      writeFileSync(join(dir, ".notos", "carry", host, file), "changed\n");
      const tampered = await cli(["dist", "--out", "dist"]);
      expect(tampered.stdout).toMatch(/^host: built/m);
      expect(tampered.stdout).toContain("1 of 3 builders did work");
    } finally {
      vi.stubEnv("NOTOS_STORE", join(dir, "store"));
    }
  });

  it("build realises one builder with its inputs and prints its store entry", async () => {
    const r = await cli(["build", "host"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^host: .*store\/[0-9a-f]{32}-host$/m);
    expect((await cli(["build", "nothing"])).stderr).toContain('This system has no builder named "nothing"');
    const path = await cli(["path", "host"]);
    expect(path.stdout).toMatch(/^\/.*store\/[0-9a-f]{32}-host\n$/);
  });

  it("schema accepts the evaluated configuration and refuses a broken one", async () => {
    const schema = JSON.parse((await cli(["schema"])).stdout) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const config = JSON.parse((await cli(["eval", "--json"])).stdout) as Record<string, unknown>;
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...config, greeting: { text: 42 } })).toBe(false);
    expect(validate({ ...config, greting: {} })).toBe(false);
  });

  it("options lists the declared option with its default and description", async () => {
    expect((await cli(["options"])).stdout).toContain('greeting.text\n  type: string\n  default: "hello"\n  The greeting.\n');
  });

  it("graph shows inputs found by collection", async () => {
    expect((await cli(["graph"])).stdout).toContain("listing@1 ← greeting, host\n");
  });

  it("refuses unknown options and commands with a hint", async () => {
    const bad = await cli(["dist", "--frobnicate"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Unknown option '--frobnicate'[\s\S]*hint: `notos --help`/);
  });

  it("runs as the committed bin", () => {
    const bin = fileURLToPath(new URL("../bin/notos.js", import.meta.url));
    expect(execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" })).toContain("usage: notos <command>");
  });
});
