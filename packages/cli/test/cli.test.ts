import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { evalSystem, listOptions } from "@notos/core";
import { Store, writeRoots } from "@notos/core/store";
import { base, qemuGuest } from "@notos/modules";
import { flatten, runCli } from "../src/commands.js";

async function cli(args: string[], cwd?: string) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), ...(cwd ? { cwd } : {}) });
  return { code, stdout, stderr };
}

// The standard system's options, declared by the standard packages' modules.
const standard = { imports: [base, qemuGuest] };
const here = fileURLToPath(new URL(".", import.meta.url));

describe("listOptions", () => {
  const options = listOptions(evalSystem(standard).schema);
  const byPath = new Map(options.map((o) => [o.path, o]));

  it("lists leaf options, records of submodules and their sub-options, with types and descriptions", () => {
    expect(byPath.get("networking.hostname")).toMatchObject({ type: "string", default: "notos", hasDefault: true, required: false });
    expect(byPath.get("qemu.memory")).toMatchObject({ type: "integer", default: 512, description: "Guest memory in MiB." });
    expect(byPath.get("services")).toMatchObject({ type: "attribute set of (submodule)", default: {} });
    expect(byPath.get("services.<name>.run")).toMatchObject({ type: "string", hasDefault: false, required: true });
    expect(byPath.get("qemu.forwards.*.proto")).toMatchObject({ type: 'one of "tcp", "udp"', default: "tcp" });
    expect(byPath.get("users.<name>.hashedPassword")).toMatchObject({ type: "null or string", default: null });
    expect(byPath.get("environment.packages")?.type).toBe("list of string");
    expect(byPath.has("boot")).toBe(false);
    expect(options.filter((o) => !o.description && !o.path.includes("<name>") && !o.path.includes("*"))).toEqual([]);
  });

  it("agrees with the defaults that evaluation fills in", () => {
    const { config, definitions } = evalSystem(standard);
    // Options no module of the standard system sets: what evaluation fills in is their default.
    const set = [...definitions.keys()];
    const plain = options.filter((o) => o.hasDefault && !o.path.includes("<name>") && !o.path.includes("*") && !set.some((d) => d === o.path || d.startsWith(`${o.path}.`) || d.startsWith(`${o.path}[`)));
    expect(plain.length).toBeGreaterThan(30);
    for (const o of plain) {
      const value = o.path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], config);
      expect(value, o.path).toEqual(o.default);
    }
  });
});

describe("notos CLI", () => {
  let root: string;
  beforeEach(() => {
    // Inside the package, so the configuration resolves @notos/modules as a user's would.
    root = realpathSync(mkdtempSync(join(here, ".work-")));
    vi.stubEnv("NOTOS_SYSTEM", "");
    // A store of the test's own: gc must never see the repository's.
    vi.stubEnv("NOTOS_STORE", join(root, ".notos", "store"));
    writeFileSync(join(root, "notos.config.ts"), `import { base, qemuGuest } from "@notos/modules";\nexport default { imports: [base, qemuGuest], services: { web: { run: "exec nginx" } }, qemu: { memory: 1024 } };\n`);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(root, { recursive: true, force: true });
  });

  it("options prints text and JSON", async () => {
    const text = await cli(["options"], root);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("services.<name>.run\n  type: string\n  required\n");
    const json = await cli(["options", "--json"], root);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(listOptions(evalSystem(standard).schema))));
  });

  it("eval prints the evaluated configuration", async () => {
    const text = await cli(["eval"], root);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('services.web.run = "exec nginx"\n');
    expect(text.stdout).toContain("qemu.memory = 1024\n");
    expect(text.stdout).toContain("rootfs.conflicts = {}\n");
    const json = JSON.parse((await cli(["eval", "--json"], root)).stdout);
    expect(json.services.web).toEqual({ enable: true, run: "exec nginx", log: false, env: {}, after: [], shell: "sh" });
    mkdirSync(join(root, "systems"));
    writeFileSync(join(root, "systems", "x.ts"), `import { qemuGuest } from "@notos/modules";\nexport default { imports: [qemuGuest], qemu: { memory: 64 } };\n`);
    const other = await cli(["eval", "--system", "systems/x.ts"], root);
    expect(other.stdout, other.stderr).toContain("qemu.memory = 64\n");
  });

  it("gc removes entries no roots file lists and leftover temporary directories", async () => {
    const store = new Store(join(root, ".notos", "store"));
    const live = await store.put("etc", "aaaa", async (d) => writeFileSync(join(d, "f"), "live"));
    await store.put("etc", "bbbb", async (d) => writeFileSync(join(d, "f"), "dead"));
    mkdirSync(join(store.dir, ".tmp-cccc-kernel-123456"));
    await writeRoots(store.dir, "etc", ["aaaa-etc"]);
    const first = await cli(["gc"], root);
    expect(first).toEqual({ code: 0, stdout: "removed .tmp-cccc-kernel-123456\nremoved bbbb-etc\n", stderr: "" });
    expect(readdirSync(store.dir)).toEqual(["aaaa-etc"]);
    expect(await store.get("etc", "aaaa")).toEqual(live);
    expect((await cli(["gc"], root)).stdout).toBe("nothing to remove\n");
  });

  it("reports usage errors and configuration errors with status 1", async () => {
    expect(await cli(["frobnicate"])).toMatchObject({ code: 1, stderr: expect.stringContaining('Unknown command "frobnicate"') });
    expect(await cli(["eval", "--jsno"], root)).toMatchObject({ code: 1, stderr: expect.stringContaining("Unknown option '--jsno'") });
    writeFileSync(join(root, "notos.config.ts"), `import { qemuGuest } from "@notos/modules";\nexport default { imports: [qemuGuest], qemu: { memroy: 1 } };\n`);
    const bad = await cli(["eval"], root);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('qemu.memroy: unknown option; did you mean "memory"?');
    expect((await cli([])).code).toBe(2);
  });
});

describe("flatten", () => {
  it("quotes keys that are not identifiers", () => {
    expect(flatten({ etc: { "ssh/sshd_config": { mode: "0600" } }, l: [1] })).toEqual(['etc."ssh/sshd_config".mode = "0600"', "l = [1]"]);
  });
});
