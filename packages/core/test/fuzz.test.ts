// The configuration loader takes the one input a user writes by hand. Any
// value as a module — random objects, arrays, numbers, null, markers in odd
// places, with the standard options declared — and any damaged configuration
// file must end in a configuration or a NotosError (ConfigError with the
// option's path, or CONFIG_*) with a message: never a TypeError from deep in
// the merge, a stack overflow or a hang. fast-check runs from a fixed seed
// (NOTOS_FUZZ_SEED, NOTOS_FUZZ_RUNS to explore).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { NotosError } from "../src/errors.js";
import { importModuleFile } from "../src/load.js";
import { mkDefault, mkForce } from "../src/module.js";
import { evalSystem } from "./with-standard.js";
import { fuzzing, outcome } from "../../../test-support/fuzz.js";

const { check } = fuzzing("core");
const work = mkdtempSync(join(tmpdir(), "notos-core-fuzz-"));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

// Keys the standard options have, so random values reach the real schemas and the merge.
const KEYS = ["system", "name", "version", "boot", "kernelParams", "kernel", "sysctl", "initrd", "kernelModules", "environment", "packages", "etc", "text", "mode", "services", "run", "enable", "users", "uid", "groups", "gid", "networking", "hostname", "interfaces", "imports", "options", "builders", "file", "__proto__", "constructor", "x"];
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie("value"), { maxKeys: 4 }),
    tie("value").map((v) => mkDefault(v)),
    tie("value").map((v) => mkForce(v)),
  ),
}));
const module = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 });

describe("evaluating any value as a configuration", () => {
  it("gives a configuration or a NotosError", async () => {
    await check("modules", 2000, fc.array(module, { minLength: 1, maxLength: 3 }), async (modules) => {
      await outcome(() => evalSystem({ imports: modules as never[] }));
    });
  }, 240_000);
});

describe("loading a damaged configuration file", () => {
  const source = `// a configuration without imports, so every mutation is loaded on its own
export default {
  system: { name: "box", version: "1.0" },
  boot: { kernelParams: ["quiet"], kernel: { sysctl: { "kernel.kptr_restrict": 2 } } },
  environment: { packages: ["bash"], etc: { motd: { text: "hello\\n", mode: "0644" } } },
  services: { ticker: { run: "exec sleep 60" } },
  users: { root: { uid: 0 } },
};
`;
  const edit = fc.oneof(
    fc.record({ at: fc.nat(), remove: fc.integer({ min: 0, max: 8 }), insert: fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "0", "null", "export ", "default", "(", ")", "=>", ";", "\n", "\\", "`", "/*") }),
  );
  const mutated = fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let text = source;
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
    }
    return text;
  });
  let n = 0;
  it("loads a module or says CONFIG_* with what to fix; what loads evaluates or is a NotosError", async () => {
    await check("config files", 150, mutated, async (text) => {
      const file = join(work, `case-${n++}.ts`);
      writeFileSync(file, text);
      const loaded = await outcome(() => importModuleFile(file));
      if (loaded instanceof NotosError) return expect(loaded.code).toMatch(/^CONFIG_/);
      await outcome(() => evalSystem(loaded, { file }));
    });
  }, 240_000);
});
