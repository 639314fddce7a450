// `notos schema` on the repository's own systems: the JSON Schema an editor
// or a CI step would use accepts each system's evaluated configuration, and
// refuses it with a typo or a wrong type — so the schema is the real one.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { runCli } from "@notos/cli";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const systems = [
  join(repo, "notos.config.ts"),
  ...readdirSync(join(repo, "systems"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(repo, "systems", d.name, "notos.config.ts"))
    .filter((f) => existsSync(f)),
];

async function cli(args: string[]): Promise<string> {
  let out = "";
  let err = "";
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), interactive: false });
  if (code !== 0) throw new Error(`notos ${args.join(" ")}: ${err}`);
  return out;
}

describe.each(systems.map((f) => [f.slice(repo.length)]))("the schema of %s", (rel) => {
  const file = join(repo, rel);
  it("accepts its configuration and refuses broken ones", async () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(await cli(["schema", "--system", file])) as object);
    const config = JSON.parse(await cli(["eval", "--json", "--system", file])) as Record<string, Record<string, unknown>>;
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...config, sevices: {} })).toBe(false);
    expect(validate({ ...config, networking: { ...config.networking, hostname: 42 } })).toBe(false);
  });
});
