// A team's second machine, on loopback: the repository's own cache server
// (`npm run cache-server`), a first clone whose `npm run dist` fills it, and
// a second clone — fresh, with an empty notos store and an empty local turbo
// cache — whose `npm run dist` is a remote hit giving the same dist/ byte for
// byte, and whose first /etc edit rebuilds only what the edit touches,
// because the store entries rode along (.notos/carry). On the way, a
// tampered artifact on the server is refused by the client and rebuilt.
// The first clone builds the OS with the repository's store (the suite has
// usually filled it); what is measured is what the second clone does.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneRepo } from "../../bench/src/repo.ts";
// @ts-expect-error -- a plain ES module script of the repository, without types
import { startCacheServer } from "../../scripts/cache-server.mjs";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const isCheckout = (() => {
  try {
    return statSync(join(repoRoot, ".git")).isDirectory() || statSync(join(repoRoot, ".git")).isFile();
  } catch {
    return false;
  }
})();

interface TaskSummary {
  taskId: string;
  hash: string;
  cache: { status: "HIT" | "MISS"; source?: "LOCAL" | "REMOTE" };
}

const token = randomBytes(16).toString("hex");
const key = randomBytes(16).toString("hex");
let work = "";
let storage = "";
let server: { url: string; stop: () => Promise<unknown> } | undefined;
const timings: Record<string, number> = {};

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

function clientEnv(store: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TURBO_API: server!.url,
    TURBO_TOKEN: token,
    TURBO_TEAM: "notos",
    TURBO_REMOTE_CACHE_SIGNATURE_KEY: key,
    TURBO_TELEMETRY_DISABLED: "1",
    NOTOS_STORE: store,
    NOTOS_SYSTEM: "",
  };
}

function run(name: string, cwd: string, args: string[], env: NodeJS.ProcessEnv, program = "npm"): SpawnSyncReturns<string> {
  const started = performance.now();
  const r = spawnSync(program, args, { cwd, env, encoding: "utf8", timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  timings[name] = Math.round((performance.now() - started) / 100) / 10;
  if (r.status !== 0) throw new Error(`${name}: ${program} ${args.join(" ")} failed (${r.status}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  return r;
}

/** The tasks of the last `turbo run --summarize` in a clone. */
function lastSummary(clone: string): TaskSummary[] {
  const dir = join(clone, ".turbo", "runs");
  const latest = readdirSync(dir).sort((a, b) => statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs)[0]!;
  return (JSON.parse(readFileSync(join(dir, latest), "utf8")) as { tasks: TaskSummary[] }).tasks;
}

function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.set(join(d, e.name).slice(dir.length + 1), readFileSync(join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

function findFile(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    } else if (e.name === name) return full;
  }
  return undefined;
}

describe.skipIf(!isCheckout)("a shared, signed turbo remote cache that carries the store", () => {
  const first = () => join(work, "first");
  const second = () => join(work, "second");

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "notos-remote-cache-"));
    storage = join(work, "server");
    mkdirSync(storage);
    server = await startCacheServer({ ...process.env, TURBO_TOKEN: token, TURBO_REMOTE_CACHE_SIGNATURE_KEY: key, PORT: String(await freePort()), STORAGE_PATH: storage, LOG_LEVEL: "warn" });
    for (const clone of [first(), second()]) {
      // A clone with the repository's installed node_modules linked in (what
      // npm ci would install from the same lock): the packages' dist/ and
      // every cache are the clone's own, and empty.
      await cloneRepo(clone);
      // setup (the first step of `npm run dist`) then finds node_modules up to date with the lock.
      utimesSync(join(clone, "package-lock.json"), 0, 0);
    }
  }, 1_200_000);
  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    mkdirSync(join(repoRoot, "tests", "test-results"), { recursive: true });
    writeFileSync(join(repoRoot, "tests", "test-results", "remote-cache.json"), JSON.stringify({ timings }, null, 1) + "\n");
  });

  it("fills the server from the first clone, every task signed and uploaded", () => {
    const store = resolve(repoRoot, process.env.NOTOS_STORE || join(".notos", "store"));
    run("first clone: npm run dist", first(), ["run", "dist", "--", "--summarize"], clientEnv(store));
    const tasks = lastSummary(first());
    expect(tasks.map((t) => t.taskId)).toContain("@notos/systems#dist");
    // One artifact per task on the server, each with its signature beside it.
    for (const t of tasks) expect(findFile(storage, t.hash), t.taskId).toBeDefined();
    expect(readdirSync(join(first(), ".notos", "carry")).map((n) => n.replace(/^[0-9a-f]{32}-/, ""))).toEqual(expect.arrayContaining(["kernel", "initrd-base", "initrd", "etc", "runit", "rootfs", "root-layers"]));
  }, 1_200_000);

  it("gives the second clone the same dist/ from the server, refusing a tampered artifact", () => {
    // Damage one small task's artifact on the server: its signature no longer matches.
    const core = lastSummary(first()).find((t) => t.taskId === "@notos/core#build")!;
    const artifact = findFile(storage, core.hash)!;
    const bytes = readFileSync(artifact);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(artifact, bytes);

    run("second clone: npm run dist (remote cache)", second(), ["run", "dist", "--", "--summarize"], clientEnv(join(second(), ".notos", "store")));
    const tasks = lastSummary(second());
    const byId = new Map(tasks.map((t) => [t.taskId, t]));
    expect(byId.get("@notos/core#build")!.cache.status, "the tampered artifact is not used").toBe("MISS");
    expect(byId.get("@notos/systems#dist")!.cache).toMatchObject({ status: "HIT", source: "REMOTE" });
    for (const t of tasks.filter((t) => t.taskId !== "@notos/core#build")) expect(t.cache, t.taskId).toMatchObject({ status: "HIT", source: "REMOTE" });
    const a = filesUnder(join(first(), "dist"));
    const b = filesUnder(join(second(), "dist"));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, content] of a) expect(b.get(name)!.equals(content), `dist/${name}`).toBe(true);
  }, 1_200_000);

  it("rebuilds only what an /etc edit touches on the second clone: the other entries rode along", () => {
    const config = join(second(), "notos.config.ts");
    writeFileSync(config, readFileSync(config, "utf8").replace("Welcome to notos.\\n", "Welcome to notos, from the second machine.\\n"));
    const r = run("second clone: /etc edit", second(), ["run", "dist"], clientEnv(join(second(), ".notos", "store")));
    const out = r.stdout + r.stderr;
    // root.squashfs rides along too: the layers an edit changes travel in the initrd.
    for (const builder of ["kernel", "initrd-base", "runit", "rootfs"]) expect(out, builder).toMatch(new RegExp(`(?<![\\w-])${builder}: cached`));
    for (const builder of ["etc", "root-layers", "initrd"]) expect(out, builder).toMatch(new RegExp(`(?<![\\w-])${builder}: built`));
  }, 1_200_000);
});
