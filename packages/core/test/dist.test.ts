// The built package, as other packages use it.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
let dir: string;

beforeAll(() => {
  if (!existsSync(join(dist, "index.js"))) {
    throw new Error("packages/core/dist is missing: build it first (`npx tsup` in packages/core, or `npm run build`).");
  }
  dir = mkdtempSync(join(tmpdir(), "notos-dist-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("built package", () => {
  it("defineModule records the file of a compiled .js caller, and markers from it merge", () => {
    const caller = join(dir, "caller.mjs");
    writeFileSync(
      caller,
      `import { defineModule, defineSystem, evalSystem, mkForce, modulePath } from ${JSON.stringify(pathToFileURL(join(dist, "index.js")).href)};
import { z } from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve("zod")).href)};
const declarations = defineModule({ options: { "networking.hostname": z.string().default("notos"), "environment.etc.motd.source": modulePath().optional() } });
const web = defineModule({ imports: [declarations], networking: { hostname: mkForce("web") }, environment: { etc: { motd: { source: "motd" } } } });
const root = defineSystem({ imports: [web], networking: { hostname: "plain" } });
const { config } = evalSystem(root);
console.log(JSON.stringify({ web: web.file, root: root.file, hostname: config.networking.hostname, source: config.environment.etc.motd.source }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, [caller], { encoding: "utf8" }));
    expect(out).toEqual({ web: caller, root: caller, hostname: "web", source: join(dir, "motd") });
  });

  it("defineBuilder records the file of a compiled .js caller, from which tools find its package", () => {
    const caller = join(dir, "builder.mjs");
    writeFileSync(
      caller,
      `import { defineLayer } from ${JSON.stringify(pathToFileURL(join(dist, "index.js")).href)};
const layer = defineLayer({ name: "x", version: "1", reads: [], build: () => ({ name: "x", entries: [] }) });
console.log(JSON.stringify({ file: layer.file }));
`,
    );
    expect(JSON.parse(execFileSync(process.execPath, [caller], { encoding: "utf8" }))).toEqual({ file: caller });
  });
});
