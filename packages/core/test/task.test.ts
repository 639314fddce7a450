import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemArgument } from "../src/task.js";

const demo = fileURLToPath(new URL("./fixtures/task-demo.mjs", import.meta.url));
const env = {
  DEMO_CORE_TASK: fileURLToPath(new URL("../src/task.ts", import.meta.url)),
  DEMO_CORE_INDEX: fileURLToPath(new URL("../src/index.ts", import.meta.url)),
};

let root: string;
let pkg: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "notos-task-")));
  writeFileSync(join(root, "turbo.json"), "{}");
  writeFileSync(join(root, "notos.config.ts"), `export default { networking: { hostname: "first" } };\n`);
  pkg = join(root, "packages", "demo");
  mkdirSync(pkg, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function run(args: string[] = [], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const { NOTOS_SYSTEM: _s, NOTOS_STORE: _t, NOTOS_LOG: _l, ...base } = process.env;
    execFile(process.execPath, [demo, ...args], { cwd: pkg, env: { ...base, ...env, ...extra } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("runTask", () => {
  it("builds, then reports the cached entry, writes out/ and records the gc root", async () => {
    const first = await run();
    expect(first.stderr).toContain("demo: writing hostname");
    expect(first.stdout).toMatch(/^demo: built in \d+\.\ds\n$/);
    expect(first.code).toBe(0);
    expect(readFileSync(join(pkg, "out", "hostname"), "utf8")).toBe("first\n");
    const store = join(root, ".notos", "store");
    const entries = readdirSync(store);
    expect(entries).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(root, ".notos", "roots", "demo.json"), "utf8"))).toEqual({ task: "demo", entries });

    const second = await run();
    expect(second.stdout).toBe("demo: cached\n");
    expect(readdirSync(pkg).sort()).toEqual(["out"]);
  });

  it("honours --system and NOTOS_SYSTEM, and replaces out/ as a whole", async () => {
    mkdirSync(join(pkg, "out", "stale"), { recursive: true });
    mkdirSync(join(root, "systems"));
    writeFileSync(join(root, "systems", "b.ts"), `export default { networking: { hostname: "second" } };\n`);
    expect((await run(["--system", "systems/b.ts"])).code).toBe(0);
    expect(readFileSync(join(pkg, "out", "hostname"), "utf8")).toBe("second\n");
    expect(readdirSync(join(pkg, "out"))).toEqual(["hostname"]);
    expect(readdirSync(join(root, ".notos", "store"))).toHaveLength(1);

    writeFileSync(join(root, "systems", "c.ts"), `export default { networking: { hostname: "third" } };\n`);
    expect((await run([], { NOTOS_SYSTEM: "systems/c.ts" })).code).toBe(0);
    expect(readFileSync(join(pkg, "out", "hostname"), "utf8")).toBe("third\n");
  });

  it("prints a readable error without a stack and exits 1", async () => {
    const failed = await run([], { DEMO_FAIL: "1" });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe("error: the demo builder failed on purpose\nhint: unset DEMO_FAIL\n");
    expect(existsSync(join(pkg, "out"))).toBe(false);

    writeFileSync(join(root, "notos.config.ts"), `export default { networking: { hostname: 5 } };\n`);
    const invalid = await run();
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("networking.hostname: expected string, got number 5 (set in ../../notos.config.ts)");
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
  });

  it("shows the stack with NOTOS_LOG=debug", async () => {
    const failed = await run([], { DEMO_FAIL: "1", NOTOS_LOG: "debug" });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/\n\s+at /);
  });
});

describe("systemArgument", () => {
  it("reads --system FILE and --system=FILE", () => {
    expect(systemArgument(["dist", "--system", "a.ts"])).toBe("a.ts");
    expect(systemArgument(["--system=b.ts"])).toBe("b.ts");
    expect(systemArgument(["dist"])).toBeUndefined();
    expect(() => systemArgument(["--system"])).toThrow(/needs a file/);
  });
});
