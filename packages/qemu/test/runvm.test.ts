// The generated runvm, run for real: its checks stop before QEMU starts, and
// it boots a moved dist/ with the arguments passed through.
import { chmod, copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIST_NAMES } from "../src/args.js";
import { runvmScript } from "../src/index.js";
import { COMMAND_LINE, POWEROFF_FLAG, READY_MARKER, tinyGuest } from "./helpers/guest.js";
import { vmConfig } from "./helpers/system.js";

let work: string;
let server: Server;
let takenPort: number;
/** A stand-in QEMU that records that it ran: none of the failing checks may get that far. */
let stub: string;
let stubRan: string;

/** A dist/ as the notos CLI lays it out: the guest's files under their dist names, and runvm beside them. */
async function dist(name: string, forwards: { host: number; guest: number }[] = []): Promise<string> {
  const { files } = await tinyGuest();
  const out = join(work, name);
  await mkdir(out);
  await copyFile(files.kernel, join(out, DIST_NAMES.kernel));
  await copyFile(files.initrd, join(out, DIST_NAMES.initrd));
  await copyFile(files.rootfs, join(out, DIST_NAMES.rootfs));
  await writeFile(join(out, DIST_NAMES.commandLine), `${COMMAND_LINE} ${POWEROFF_FLAG}\n`);
  await writeFile(join(out, DIST_NAMES.runvm), runvmScript(vmConfig({ qemu: { memory: 256, forwards } })), { mode: 0o755 });
  return out;
}

function runvm(dir: string, env: Record<string, string | undefined>, args: string[] = []) {
  return execa(join(dir, "runvm"), args, {
    stdin: "ignore",
    reject: false,
    timeout: 180_000,
    killSignal: "SIGKILL",
    env: { NOTOS_ACCEL: undefined, NOTOS_QEMU: undefined, ...env },
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "notos-runvm-test-"));
  stubRan = join(work, "stub-ran");
  stub = join(work, "fake-qemu");
  await writeFile(stub, `#!/bin/sh\ntouch '${stubRan}'\n`);
  await chmod(stub, 0o755);
  server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  takenPort = (server.address() as { port: number }).port;
}, 600_000);

afterAll(async () => {
  server?.close();
  await rm(work, { recursive: true, force: true });
});

describe("runvm", () => {
  it("stops before QEMU when an artifact is missing", async () => {
    const dir = await dist("missing");
    await rm(join(dir, "initrd"));
    const r = await runvm(dir, { NOTOS_QEMU: stub, NOTOS_ACCEL: "tcg" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^runvm: missing .*\/missing\/initrd: build the system first/m);
    await expect(readFile(stubRan)).rejects.toThrow();
  });

  it("stops before QEMU when QEMU is not installed", async () => {
    const dir = await dist("noqemu");
    const r = await runvm(dir, { NOTOS_QEMU: join(work, "no-such-qemu"), NOTOS_ACCEL: "tcg" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/no-such-qemu not found: install QEMU/);
  });

  it("stops before QEMU when a forwarded host port is taken, naming the port", async () => {
    const dir = await dist("taken", [{ host: takenPort, guest: 22 }]);
    const r = await runvm(dir, { NOTOS_QEMU: stub, NOTOS_ACCEL: "tcg" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`host port ${takenPort} on 127.0.0.1 is already in use (it would forward to guest port 22)`);
    expect(r.stderr).toMatch(/change qemu\.forwards/);
    await expect(readFile(stubRan)).rejects.toThrow();
  });

  it("rejects a bad NOTOS_ACCEL", async () => {
    const dir = await dist("badaccel");
    const r = await runvm(dir, { NOTOS_QEMU: stub, NOTOS_ACCEL: "fast" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/NOTOS_ACCEL must be kvm, tcg or auto, not 'fast'/);
  });

  it("boots a dist/ that was moved, choosing the accel by itself, and passes arguments through", async () => {
    const built = await dist("built");
    const moved = join(work, "elsewhere, with a comma", "dist");
    await cp(built, moved, { recursive: true });
    await rm(built, { recursive: true });
    // No NOTOS_ACCEL: the KVM probe runs (and must not hang), then the guest boots and powers off.
    const r = await runvm(moved, {});
    expect(r.stderr).toMatch(/checking whether KVM works/);
    expect(r.stdout).toContain(READY_MARKER);
    expect(r.exitCode).toBe(0);

    const bogus = await runvm(moved, { NOTOS_ACCEL: "tcg" }, ["--notos-bogus-option"]);
    expect(bogus.exitCode).not.toBe(0);
    expect(bogus.stderr).toMatch(/--notos-bogus-option/);
  }, 240_000);
});
