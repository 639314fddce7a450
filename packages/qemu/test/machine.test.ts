// Machine against a real QEMU (TCG) booting the real kernel and a tiny busybox
// initrd. The machine is the one the README's example starts, run as written
// in a directory holding the guest's files under the example's names.
import { readFileSync } from "node:fs";
import { readFile, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Machine, liveQemuPids, killAllMachines, MachineError } from "../src/index.js";
import { GUEST_HTTP_PORT, GUEST_PAGE, READY_MARKER, tinyGuest } from "./helpers/guest.js";
import { exampleUnder, runExampleIn } from "../../../test-support/readme.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

let machine: Machine;
let work: string;
const timings: Record<string, number> = {};

beforeAll(async () => {
  const { files } = await tinyGuest();
  work = await mkdtemp(join(tmpdir(), "notos-qemu-machine-test-"));
  for (const [name, file] of [["bzImage", files.kernel], ["initrd.img", files.initrd], ["root.img", files.rootfs], ["command-line", files.commandLine]] as const) {
    await symlink(file, join(work, name));
  }
  const t0 = Date.now();
  const example = await runExampleIn(work, exampleUnder(readme, "## Boot a kernel and an initrd from code"));
  timings.shellReady = Date.now() - t0;
  expect(example.machine).toBeInstanceOf(Machine);
  machine = example.machine as Machine;
}, 600_000);

afterAll(async () => {
  killAllMachines();
  console.log(`tiny guest under TCG: the README example's hvc0 shell ready ${timings.shellReady} ms after it started`);
  await rm(work, { recursive: true, force: true });
});

describe("the README's example", () => {
  it("ran the command it shows, on the real Debian kernel", async () => {
    expect(await machine.succeed("uname -r")).toMatch(/^\d+\.\d+\.\d+-\d+-cloud-amd64\n$/);
    expect(machine.forwardedPort(GUEST_HTTP_PORT)).toBeGreaterThan(0);
  });
});

describe("Machine with a tiny guest", () => {
  it("sees the guest's ready marker on the serial console, stripped of \\r", async () => {
    await machine.waitForConsole(new RegExp(READY_MARKER), 60_000);
    expect(machine.consoleText()).toContain("Linux version");
    expect(machine.consoleText()).not.toContain("\r");
    const log = await readFile(join(work, "console.log"), "utf8");
    expect(log).toMatch(/^\[\s*\d+\.\d{3}\] /m);
  });

  it("runs commands: stdout exactly, exit status propagated", async () => {
    expect(await machine.succeed("echo hi")).toBe("hi\n");
    expect(await machine.execute("exit 42")).toEqual({ status: 42, stdout: "" });
    await machine.fail("false");
    expect(await machine.succeed("printf 'no newline'")).toBe("no newline");
    expect(await machine.succeed(`printf '%s\\n' "it's" 'a "quoted" $HOME'`)).toBe(`it's\na "quoted" $HOME\n`);
    const lines = await machine.succeed("seq 1 2000");
    expect(lines.split("\n")).toHaveLength(2001);
    expect(await machine.succeed("id -u")).toBe("0\n");
  });

  it("keeps stdin away from commands, sends stderr to the console", async () => {
    expect(await machine.succeed("cat; echo after")).toBe("after\n");
    expect(await machine.succeed("echo to-stderr-marker >&2; echo out")).toBe("out\n");
    await machine.waitForConsole(/to-stderr-marker/, 10_000);
  });

  it("fails with the console tail when a command fails", async () => {
    const error = await machine.succeed("echo boom; exit 3").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineError);
    expect((error as MachineError).message).toMatch(/exit status 3/);
    expect((error as MachineError).consoleTail).toContain(READY_MARKER);
    await expect(machine.fail("true")).rejects.toThrow(/should have failed/);
  });

  it("waits for a port inside the guest and reaches it through the forward", async () => {
    await machine.waitForOpenPort(GUEST_HTTP_PORT, 30_000);
    // A closed port: the wait gives up, either after its last failed try or while a try is still running (a loaded host).
    await expect(machine.waitForOpenPort(9, 2_000)).rejects.toThrow(/did not succeed|did not finish within/);
    const port = machine.forwardedPort(GUEST_HTTP_PORT);
    expect(port).not.toBe(18080); // remapped to a free port
    const { stdout } = await execa("curl", ["-fsS", "--max-time", "20", `http://127.0.0.1:${port}/`]);
    expect(stdout + "\n").toBe(GUEST_PAGE);
  });

  it("waits until a command succeeds", async () => {
    await machine.succeed("rm -f /tmp/flag; (sleep 2; touch /tmp/flag) >/dev/null 2>&1 &");
    await machine.waitUntilSucceeds("test -e /tmp/flag", 30_000);
  });

  it("takes a PNG screenshot", async () => {
    const file = join(work, "screen.png");
    await machine.screenshot(file);
    const png = await readFile(file);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(640);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(400);
  });

  it("types on the serial console", async () => {
    // A reader on ttyS0 in the guest; the line reaches it through QEMU's stdin.
    await machine.succeed("rm -f /tmp/typed; (head -n 1 /dev/ttyS0 > /tmp/typed) >/dev/null 2>&1 &");
    await machine.sendConsole("typed-on-ttyS0\n");
    expect(await machine.waitUntilSucceeds("grep typed-on-ttyS0 /tmp/typed", 30_000)).toBe("typed-on-ttyS0\n");
  });

  it("shuts down: QEMU exits by itself with status 0", async () => {
    const pid = machine.pid!;
    expect(liveQemuPids()).toContain(pid);
    expect(await machine.shutdown(60_000)).toBe(0);
    // The console is complete once QEMU's exit is reported: the kernel's last words are in it.
    expect(machine.consoleText()).toMatch(/reboot: Power down/);
    expect(machine.isRunning).toBe(false);
    expect(liveQemuPids()).not.toContain(pid);
    await expect(machine.succeed("true")).rejects.toThrow(/not running/);
  }, 90_000);
});
