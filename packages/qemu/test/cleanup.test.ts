// QEMU never outlives its test: a nested vitest run starts machines and then
// times out, crashes, or is SIGKILLed, with no cleanup hook of its own; no
// QEMU process may be left behind.
import { mkdtemp, readFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { stripTerminal } from "../src/console.js";
import { Machine, killAllMachines, liveQemuPids, type DistFiles } from "../src/index.js";
import { tinyGuest } from "./helpers/guest.js";
import { vmConfig } from "./helpers/system.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
let files: DistFiles;

beforeAll(async () => {
  files = (await tinyGuest()).files;
}, 600_000);

afterEach(() => killAllMachines());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`).includes(") Z ");
  } catch {
    return false;
  }
}
async function waitGone(pid: number, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

function nested(mode: string, pids: string) {
  return execa("npx", ["vitest", "run", "--config", "vitest.fixtures.config.ts"], {
    cwd: pkg,
    reject: false,
    stdin: "ignore",
    all: true,
    timeout: 300_000,
    env: { NO_COLOR: "1", FORCE_COLOR: "0", NOTOS_FIXTURE_FILES: JSON.stringify(files), NOTOS_FIXTURE_PIDS: pids, NOTOS_FIXTURE_MODE: mode },
  });
}

async function recorded(file: string): Promise<{ qemu: number; comm: string; worker: number }> {
  const [qemu, comm, worker] = (await readFile(file, "utf8")).trim().split(" ");
  return { qemu: Number(qemu), comm: comm!, worker: Number(worker) };
}

describe("QEMU never outlives its test", () => {
  for (const mode of ["timeout", "crash"]) {
    it(`when the test ${mode === "timeout" ? "times out" : "crashes"}`, async () => {
      const pids = join(await mkdtemp(join(tmpdir(), "notos-cleanup-")), "pids");
      const run = await nested(mode, pids);
      expect(run.exitCode).toBe(1); // the nested test failed, as designed
      expect(stripTerminal(String(run.all))).toMatch(mode === "timeout" ? /Test timed out in 4000ms/ : /the test crashed/);
      const { qemu, comm } = await recorded(pids);
      expect(comm).toMatch(/^qemu-system/);
      expect(await waitGone(qemu)).toBe(true);
    }, 300_000);
  }

  it("when the test's process is SIGKILLed (the kernel kills QEMU: pdeathsig)", async () => {
    const pids = join(await mkdtemp(join(tmpdir(), "notos-cleanup-")), "pids");
    const run = nested("sigkill", pids);
    const deadline = Date.now() + 240_000;
    while (!existsSync(pids) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const { qemu, comm, worker } = await recorded(pids);
    expect(comm).toMatch(/^qemu-system/);
    expect(alive(qemu)).toBe(true);
    process.kill(worker, "SIGKILL");
    expect(await waitGone(qemu)).toBe(true);
    run.kill("SIGKILL");
    await run.catch(() => undefined);
  }, 300_000);

  it("when afterEach calls killAllMachines()", async () => {
    const m = new Machine({ files, config: vmConfig({ qemu: { memory: 256, accel: "tcg" } }) });
    await m.start();
    const pid = m.pid!;
    expect(liveQemuPids()).toContain(pid);
    killAllMachines();
    expect(await waitGone(pid)).toBe(true);
    expect(liveQemuPids()).toEqual([]);
  }, 60_000);
});
