// Every package README's example, run exactly as written: the fenced block
// after `<!-- example -->` (js or ts), saved to a file and run by node (ts
// through jiti, as a user's `npx jiti example.ts` would) in a directory of
// its own, where `@notos/*` resolve to the built packages as they would
// from a project's node_modules. When the README shows what it prints (a
// block after `<!-- example output -->`), the output must be exactly that.
//
// The examples that build read `.notos/store` and `notos.lock.json` of the
// directory they run in, as a user's project would have them: here the
// suite's store (NOTOS_STORE, else the repository's) and the committed lock,
// so the kernel and initrd builds are cache hits once built.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const store = resolve(repoRoot, process.env.NOTOS_STORE || join(".notos", "store"));
const jitiCli = join(createRequire(import.meta.url).resolve("jiti/package.json"), "..", "lib", "jiti-cli.mjs");

/**
 * Packages whose README has no example this test runs, and why. A new
 * package must either mark an example or be named here.
 */
const NOT_RUN: Record<string, string> = {
  cli: "its example runs `notos` in a project of its own; the package's own test/readme.test.ts runs it as written",
  qemu: "its example boots a VM; the package's own test/machine.test.ts runs it as written and goes on with the machine it starts",
  testing: "its example boots two VMs; it is the package's own test/web.test.ts, byte for byte",
  disk: "its example (a GPT of your own) is run as written by the package's own test/readme.test.ts",
  site: "its example makes the site of a built dist/; the package's own test/site.test.ts runs it as written",
  "create-notos": "its example is `npm create notos`, which asks the registry; the package's own test/readme.test.ts runs the bin with the same words, and tests/create from the tarball",
};

interface Example {
  dir: string;
  lang: string;
  code: string;
  output?: string;
}

function fenceAfter(text: string, marker: string): { lang: string; body: string } | undefined {
  const at = text.indexOf(marker);
  if (at < 0) return undefined;
  const m = /```(\w*)\n([\s\S]*?)```/.exec(text.slice(at + marker.length));
  return m ? { lang: m[1]!, body: m[2]! } : undefined;
}

const examples: Example[] = [];
const unmarked: string[] = [];
for (const dir of readdirSync(join(repoRoot, "packages")).sort()) {
  const file = join(repoRoot, "packages", dir, "README.md");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const block = fenceAfter(text, "<!-- example -->");
  if (!block) {
    unmarked.push(dir);
    continue;
  }
  const output = fenceAfter(text, "<!-- example output -->");
  examples.push({ dir, lang: block.lang, code: block.body, ...(output ? { output: output.body } : {}) });
}

// Inside the repository, so that `@notos/*` resolve through its node_modules.
const work = mkdtempSync(join(repoRoot, "tests", ".readme-examples-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("README examples", () => {
  it("every package marks one, or says here why not", () => {
    expect(unmarked.sort()).toEqual(Object.keys(NOT_RUN).filter((d) => existsSync(join(repoRoot, "packages", d))).sort());
    for (const e of examples) expect(["js", "ts"], `packages/${e.dir}/README.md: the example is a ${e.lang || "plain"} block`).toContain(e.lang);
  });

  it.each(examples.map((e) => [e.dir, e] as const))("%s: runs as written", (dir, e) => {
    const cwd = join(work, dir);
    mkdirSync(join(cwd, ".notos"), { recursive: true });
    symlinkSync(store, join(cwd, ".notos", "store"));
    copyFileSync(join(repoRoot, "notos.lock.json"), join(cwd, "notos.lock.json"));
    // loadSystem() finds the configuration in the working directory, as in a project.
    copyFileSync(join(repoRoot, "notos.config.ts"), join(cwd, "notos.config.ts"));
    const file = join(cwd, e.lang === "ts" ? "example.ts" : "example.mjs");
    writeFileSync(file, e.code);
    const argv = e.lang === "ts" ? [jitiCli, file] : [file];
    const r = spawnSync(process.execPath, argv, { cwd, encoding: "utf8", timeout: 280_000, env: { ...process.env, NOTOS_STORE: store, NOTOS_LOG: "warn" } });
    expect(r.status, `packages/${dir}/README.md's example failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
    if (e.output !== undefined) expect(r.stdout).toBe(e.output);
  });
});
