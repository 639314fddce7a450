// The setup step's guard against turbo's silent trap: a remote cache with
// signing on and no key uploads and uses nothing. Checked against real
// files in a temporary project, for each way turbo finds a remote cache.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error -- plain ES module scripts of the repository, without types
import { remoteCacheProblem } from "../../scripts/remote-cache.mjs";
// @ts-expect-error -- as above
import { serverProblems } from "../../scripts/cache-server.mjs";

const root = mkdtempSync(join(tmpdir(), "notos-remote-check-"));
const home = join(root, "home");
afterAll(() => rmSync(root, { recursive: true, force: true }));
writeFileSync(join(root, "turbo.json"), JSON.stringify({ remoteCache: { signature: true } }));

describe("the remote cache guard", () => {
  it("says nothing without a remote cache, or with the key", () => {
    expect(remoteCacheProblem({ env: {}, root, home })).toBeUndefined();
    expect(remoteCacheProblem({ env: { TURBO_API: "http://127.0.0.1:3000", TURBO_REMOTE_CACHE_SIGNATURE_KEY: "k" }, root, home })).toBeUndefined();
  });

  it("stops a remote cache without the key, naming where the cache was configured and what to set", () => {
    expect(remoteCacheProblem({ env: { TURBO_TOKEN: "t" }, root, home })).toMatch(/by the TURBO_TOKEN variable.*\n.*upload nothing.*\n.*Set TURBO_REMOTE_CACHE_SIGNATURE_KEY/);
    mkdirSync(join(root, ".turbo"), { recursive: true });
    writeFileSync(join(root, ".turbo", "config.json"), JSON.stringify({ apiurl: "http://cache:3000", teamslug: "notos" }));
    expect(remoteCacheProblem({ env: {}, root, home })).toMatch(/by \.turbo\/config\.json/);
    rmSync(join(root, ".turbo"), { recursive: true });
    mkdirSync(join(home, ".config", "turborepo"), { recursive: true });
    writeFileSync(join(home, ".config", "turborepo", "config.json"), JSON.stringify({ token: "from turbo login" }));
    expect(remoteCacheProblem({ env: {}, root, home })).toMatch(/turbo login/);
  });

  it("lets an unsigned project be", () => {
    const plain = join(root, "plain");
    mkdirSync(plain);
    writeFileSync(join(plain, "turbo.json"), JSON.stringify({}));
    expect(remoteCacheProblem({ env: { TURBO_TOKEN: "t" }, root: plain, home })).toBeUndefined();
  });

  it("refuses to start a server without its token or the signature key", () => {
    expect(serverProblems({})).toHaveLength(2);
    expect(serverProblems({ TURBO_TOKEN: "t" })[0]).toMatch(/TURBO_REMOTE_CACHE_SIGNATURE_KEY is not set/);
    expect(serverProblems({ TURBO_TOKEN: "t", TURBO_REMOTE_CACHE_SIGNATURE_KEY: "k" })).toEqual([]);
  });
});
