// The parts of @notos/testing that need no VM: each node's planned system
// (evaluated as the builders will see it), the README's example, and the
// command's usage errors.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { evalSystem, NotosError } from "@notos/core";
import { nginx } from "@notos/modules";
import { planNodes, TEST_INTERFACE } from "../src/index.js";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe("planNodes", () => {
  const publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1ZcqDXl4vVv0y7M3U4bG3gk2iM7Dq6kqv5Q2PqF0bB test";
  const plan = planNodes({ web: { imports: [nginx()] }, db: { module: {}, testShell: false } }, { publicKey });

  it("numbers the nodes in name order and gives each its name, address and every node's host entry", () => {
    expect(plan.map((n) => [n.name, n.index, n.address, n.testShell])).toEqual([
      ["db", 1, "192.168.1.1", false],
      ["web", 2, "192.168.1.2", true],
    ]);
    const { config } = evalSystem(plan[1]!.module);
    const c = config as unknown as {
      networking: { hostname: string; interfaces: Record<string, { address?: string; gateway?: string }>; hosts: Record<string, string[]> };
      users: { root: { authorizedKeys: string[] } };
      services: Record<string, unknown>;
    };
    expect(c.networking.hostname).toBe("web");
    expect(c.networking.interfaces[TEST_INTERFACE]!.address).toBe("192.168.1.2/24");
    // eth0 (the user-mode network, its port forwards) survives the override of base's default.
    expect(c.networking.interfaces.eth0).toMatchObject({ address: "10.0.2.15/24", gateway: "10.0.2.2" });
    expect(c.networking.hosts).toEqual({ "192.168.1.1": ["db"], "192.168.1.2": ["web"] });
    expect(c.users.root.authorizedKeys).toContain(publicKey);
    expect(Object.keys(c.services)).toEqual(expect.arrayContaining(["nginx", "test-shell", "power-button"]));
    // The node driven over ssh has no test shell.
    expect(Object.keys((evalSystem(plan[0]!.module).config as unknown as { services: object }).services)).not.toContain("test-shell");
  });

  it("refuses names that are not host names, and no nodes", () => {
    const error = (() => {
      try {
        planNodes({ Web_1: {} }, { publicKey });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NotosError);
    expect((error as NotosError).code).toBe("TEST_NODE_NAME");
    expect(() => planNodes({}, { publicKey })).toThrow(/at least one node/);
  });
});

describe("the README", () => {
  it("shows test/web.test.ts exactly: the suite runs the README's example as written", () => {
    const readme = readFileSync(here("../README.md"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(block).toBe(readFileSync(here("./web.test.ts"), "utf8"));
  });
});

describe("notos-test", () => {
  it("says how to use it and exits 2 without a file, and names a file that exports no test", () => {
    // The command from source, through jiti (TypeScript without a build).
    const run = (...args: string[]) => spawnSync(process.execPath, [here("../../../node_modules/jiti/lib/jiti-cli.mjs"), here("../src/cli.ts"), ...args], { encoding: "utf8" });
    const bare = run();
    expect(bare.status).toBe(2);
    expect(bare.stdout).toMatch(/usage: notos-test FILE\.ts/);
    const none = run(here("./fixtures/no-test.ts"));
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/export no test/);
  }, 60_000);
});
