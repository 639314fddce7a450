import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError, NotosError } from "../src/errors.js";
import { loadSystem } from "../src/load.js";

// The configuration files import core from source, through jiti, as a user's would import the package.
const coreEntry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
// Core declares no builder's options: the configurations below import the standard ones as a module.
const standardEntry = fileURLToPath(new URL("./fixtures/standard-options.ts", import.meta.url));

let root: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "notos-load-")));
  vi.stubEnv("NOTOS_SYSTEM", "");
  vi.stubEnv("NOTOS_STORE", "");
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const file = join(root, rel);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function writeSystem() {
  write(
    "modules/web.ts",
    `import { defineModule, mkDefault } from ${JSON.stringify(coreEntry)};
const port: number = 80;
export default defineModule({
  environment: { packages: ["nginx"], etc: { "nginx/nginx.conf": { source: "../files/nginx.conf" } } },
  services: { nginx: { run: "exec nginx -g 'daemon off;'" } },
  networking: { hostname: mkDefault("web" + port) },
});
`,
  );
  write("files/nginx.conf", "events {}\n");
  return write(
    "notos.config.ts",
    `import { defineSystem } from ${JSON.stringify(coreEntry)};
import { standardOptions } from ${JSON.stringify(standardEntry)};
import web from "./modules/web";
export default defineSystem({
  imports: [standardOptions, web],
  environment: { packages: ["bash"], etc: { motd: { source: "motd" } } },
});
`,
  );
}

describe("loadSystem", () => {
  it("loads a TypeScript configuration and its imported module through jiti", async () => {
    const configFile = writeSystem();
    const system = await loadSystem({ cwd: root });
    expect(system.file).toBe(configFile);
    expect(system.dir).toBe(root);
    expect(system.lockFile).toBe(join(root, "notos.lock.json"));
    expect(system.storeDir).toBe(join(root, ".notos", "store"));
    expect(system.config.environment.packages).toEqual(["nginx", "bash"]);
    expect(system.config.networking.hostname).toBe("web80");
    expect(system.config.environment.etc["nginx/nginx.conf"]!.source).toBe(join(root, "files", "nginx.conf"));
    expect(system.config.environment.etc.motd!.source).toBe(join(root, "motd"));
    expect(system.definitions.get("services.nginx.run")).toEqual([join(root, "modules", "web.ts")]);
  });

  it("searches upward from the working directory", async () => {
    const configFile = writeSystem();
    mkdirSync(join(root, "packages", "kernel"), { recursive: true });
    expect((await loadSystem({ cwd: join(root, "packages", "kernel") })).file).toBe(configFile);
  });

  it("takes NOTOS_SYSTEM relative to the repository root when the working directory lacks it", async () => {
    writeSystem();
    write("turbo.json", "{}");
    const other = write("systems/build.ts", `import { standardOptions } from ${JSON.stringify(standardEntry)};\nexport default { imports: [standardOptions], qemu: { memory: 2048 } };\n`);
    mkdirSync(join(root, "packages", "kernel"), { recursive: true });
    vi.stubEnv("NOTOS_SYSTEM", "systems/build.ts");
    const system = await loadSystem({ cwd: join(root, "packages", "kernel") });
    expect(system.file).toBe(other);
    expect(system.config.qemu.memory).toBe(2048);
    expect(system.lockFile).toBe(join(root, "systems", "notos.lock.json"));
    // An explicit file wins over NOTOS_SYSTEM.
    expect((await loadSystem({ cwd: root, file: "notos.config.ts" })).file).toBe(join(root, "notos.config.ts"));
  });

  it("takes NOTOS_STORE relative to the configuration's directory", async () => {
    writeSystem();
    vi.stubEnv("NOTOS_STORE", "cache/store");
    expect((await loadSystem({ cwd: root })).storeDir).toBe(join(root, "cache", "store"));
  });

  it("names every place it looked when there is no configuration", async () => {
    mkdirSync(join(root, "a", "b"), { recursive: true });
    const error = await loadSystem({ cwd: join(root, "a", "b") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotosError);
    const message = (error as NotosError).message;
    for (const dir of [join(root, "a", "b"), join(root, "a"), root]) expect(message).toContain(join(dir, "notos.config.ts"));
    expect((error as NotosError).hint).toContain("--system");

    write(".git/HEAD", "ref: x\n");
    vi.stubEnv("NOTOS_SYSTEM", "systems/missing.ts");
    const named = (await loadSystem({ cwd: join(root, "a", "b") }).catch((e: unknown) => e)) as NotosError;
    expect(named.message).toContain("NOTOS_SYSTEM");
    expect(named.message).toContain(join(root, "a", "b", "systems", "missing.ts"));
    expect(named.message).toContain(join(root, "systems", "missing.ts"));
  });

  it("says so when the file has no default export or exports something else", async () => {
    write("notos.config.ts", "export const x = 1;\n");
    await expect(loadSystem({ cwd: root })).rejects.toThrow(/has no default export/);
    write("notos.config.ts", "export default 42;\n");
    await expect(loadSystem({ cwd: root })).rejects.toThrow(/is not a module: got number/);
    write("notos.config.ts", "export default {;\n");
    await expect(loadSystem({ cwd: root })).rejects.toThrow(/Could not load/);
  });

  it("reports configuration errors with the module file", async () => {
    write("modules/bad.ts", `export default { file: __filename, services: { nginx: { run: 1 } } };\n`);
    write(
      "notos.config.ts",
      `import { defineSystem } from ${JSON.stringify(coreEntry)};\nimport { standardOptions } from ${JSON.stringify(standardEntry)};\nimport bad from "./modules/bad";\nexport default defineSystem({ imports: [standardOptions, bad] });\n`,
    );
    const error = (await loadSystem({ cwd: root }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues[0]).toMatchObject({ path: "services.nginx.run", files: [join(root, "modules", "bad.ts")] });
  });
});
