// What the CLI reads from outside: its arguments, and the records of the
// last build that `notos why` compares with (.notos/why/<builder>.json,
// which an interrupted disk or a hand edit can damage). Random arguments and
// damaged records must end in an answer or a NotosError printed with its
// hint — never in "this looks like a bug", a TypeError's stack or a hang.
// fast-check runs from a fixed seed (NOTOS_FUZZ_SEED, NOTOS_FUZZ_RUNS to explore).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fuzzing } from "../../../test-support/fuzz.js";
import { runCli } from "../src/commands.js";

const { check } = fuzzing("cli");
const here = fileURLToPath(new URL(".", import.meta.url));
let dir: string;

async function cli(args: string[], cwd = dir) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, interactive: false });
  return { code, stdout, stderr };
}

/** A run that ended as the CLI means to: success, or an error with a hint that is not the "bug" one. */
function expectHandled(r: { code: number; stderr: string }, args: readonly string[]): void {
  expect([0, 1, 2], `exit status of ${JSON.stringify(args)}`).toContain(r.code);
  expect(r.stderr, JSON.stringify(args)).not.toMatch(/looks like a bug|TypeError|RangeError|    at /);
  if (r.code === 1) expect(r.stderr).toMatch(/^error: [\s\S]+\nhint: /);
}

beforeAll(async () => {
  // Inside the package, so the configuration resolves @notos/core as a user's would.
  dir = mkdtempSync(join(here, ".work-fuzz-"));
  vi.stubEnv("NOTOS_SYSTEM", "");
  vi.stubEnv("NOTOS_STORE", join(dir, "store"));
  vi.stubEnv("SOURCE_DATE_EPOCH", "");
  writeFileSync(
    join(dir, "notos.config.ts"),
    `import { defineSystem } from "@notos/core";
import { small } from "../fixtures/small/builders.ts";
export default defineSystem({ imports: [small], greeting: { text: "hello" } });
`,
  );
  const built = await cli(["dist", "--out", "dist"]);
  expect(built.code, built.stderr).toBe(0);
});

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("the command line", () => {
  it("any arguments: an answer, usage, or an error with its hint", async () => {
    // Commands that only read (no dist, build, lock or gc: those write), and the words that reach the parser.
    const word = fc.oneof(
      fc.constantFrom("options", "schema", "eval", "graph", "why", "help", "--json", "--turbo", "--refresh", "--system", "--out", "-h", "--", "-", "--nope", "greeting", "nonexistent.ts", "="),
      fc.string({ maxLength: 8 }),
    );
    const args = fc.tuple(fc.constantFrom("options", "schema", "eval", "graph", "why", "help", "bogus", "--help"), fc.array(word, { maxLength: 4 })).map(([c, rest]) => [c, ...rest]);
    await check("arguments", 300, args, async (argv) => {
      expectHandled(await cli(argv), argv);
    });
  }, 240_000);
});

describe("the records of the last build", () => {
  it("damaged records: `why` still answers for every builder", async () => {
    const whyDir = join(dir, ".notos", "why");
    const files = readdirSync(whyDir).sort();
    expect(files).toEqual(["greeting.json", "host.json", "listing.json"]);
    const originals = Object.fromEntries(files.map((f) => [f, readFileSync(join(whyDir, f), "utf8")]));
    const damage = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 40 }),
      fc.record({ file: fc.constantFrom(...files), at: fc.nat(), cut: fc.integer({ min: 0, max: 6 }), put: fc.constantFrom("", "{", "}", "[", "null", "1", '"', ",") }).map((d) => d),
    );
    await check("why records", 300, fc.tuple(fc.constantFrom(...files), damage), async ([file, d]) => {
      try {
        let text: string;
        if (typeof d === "string") text = d;
        else {
          const base = originals[d.file]!;
          const at = d.at % (base.length + 1);
          text = base.slice(0, at) + d.put + base.slice(at + d.cut);
        }
        writeFileSync(join(whyDir, file), text);
        const r = await cli(["why"]);
        expectHandled(r, ["why", file, text]);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^greeting: [\s\S]*^host: [\s\S]*^listing: /m);
      } finally {
        for (const [f, t] of Object.entries(originals)) writeFileSync(join(whyDir, f), t);
      }
    });
  }, 240_000);
});
