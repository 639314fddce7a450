// `notos keygen` as a user types it: the pair goes to the config directory
// by default (here a temporary XDG_CONFIG_HOME), or --dir; a second run
// refuses and leaves the key as it was.
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runCli } from "@notos/cli";

const saved = { XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, NOTOS_SIGNING_KEYS: process.env.NOTOS_SIGNING_KEYS };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function cli(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const status = await runCli(args, { cwd, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { status, stdout, stderr };
}

it("notos keygen writes the pair under $XDG_CONFIG_HOME/notos/keys, 0600, and never overwrites it", async () => {
  const config = mkdtempSync(join(tmpdir(), "notos-keygen-cli-"));
  process.env.XDG_CONFIG_HOME = config;
  delete process.env.NOTOS_SIGNING_KEYS;
  const first = await cli(["keygen"], config);
  expect(first.status).toBe(0);
  const key = join(config, "notos", "keys", "notos.key");
  expect(first.stdout).toContain(`private key: ${key} (mode 0600`);
  expect(statSync(key).mode & 0o777).toBe(0o600);
  const before = readFileSync(key);
  const again = await cli(["keygen"], config);
  expect(again.status).toBe(1);
  expect(again.stderr).toMatch(/exists; keygen never overwrites a key/);
  expect(readFileSync(key).equals(before)).toBe(true);
});

it("notos keygen --dir DIR writes there and says how builds find it", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "notos-keygen-cli-"));
  const r = await cli(["keygen", "--dir", "keys", "--name", "host one"], cwd);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(`NOTOS_SIGNING_KEYS=${join(cwd, "keys")}`);
  expect(r.stdout).toMatch(/CN=host one/);
  expect(statSync(join(cwd, "keys", "notos.crt")).isFile()).toBe(true);
});
