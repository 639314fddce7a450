// The driver's NixOS-style calls against two real tiny guests (TCG) on a
// private virtual network: commands and waits with options objects, files
// both ways, a port forwarded at run time, the keyboard and the screen (OCR),
// the link blocked and restored, a reboot, a crash, and `await using`.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Machine, MachineError, VirtualNetwork, killAllMachines, liveQemuPids } from "../src/index.js";
import { GUEST_HTTP_PORT, GUEST_PAGE, tinyGuest } from "./helpers/guest.js";
import { vmConfig } from "./helpers/system.js";

const config = vmConfig({ system: { name: "tiny" }, qemu: { memory: 256, accel: "tcg" } });

let work: string;
let network: VirtualNetwork;
let a: Machine;
let b: Machine;

beforeAll(async () => {
  const { files } = await tinyGuest();
  work = await mkdtemp(join(tmpdir(), "notos-qemu-driver-test-"));
  network = await VirtualNetwork.create({ name: "lan" });
  [a, b] = [1, 2].map((index) => new Machine({ files, config, name: `tiny${index}`, index, networks: [{ network }], consoleLog: join(work, `tiny${index}.log`) })) as [Machine, Machine];
  await Promise.all([a.start(), b.start()]);
  await Promise.all([a.waitForShell({ timeoutMs: 180_000 }), b.waitForShell({ timeoutMs: 180_000 })]);
  // Addresses on the private network, as a test assigns them.
  for (const [m, ip] of [[a, "192.168.1.1"], [b, "192.168.1.2"]] as const) await m.succeed(`ip addr add ${ip}/24 dev eth1 && ip link set eth1 up`);
}, 600_000);

afterAll(async () => {
  killAllMachines();
  await network?.close();
  await rm(work, { recursive: true, force: true });
});

// Each test may wait for a busy host (TCG); the waits inside have their own time-outs.
describe("the driver with two tiny guests on a private network", { timeout: 240_000 }, () => {
  it("carries traffic between the guests over the switch, and none through eth0's host network", async () => {
    expect(network.connected).toBe(2);
    await a.waitUntilSucceeds("ping -c 1 -W 2 192.168.1.2", { timeoutMs: 60_000 });
    expect(await a.succeed("wget -q -O - http://192.168.1.2:8080/")).toBe(GUEST_PAGE);
    expect(network.frames).toBeGreaterThan(0);
    // Each NIC has the MAC the driver gave it.
    expect((await b.succeed("cat /sys/class/net/eth1/address")).trim()).toBe("52:54:00:12:01:02");
  });

  it("blocks and restores a machine's link", async () => {
    await a.block();
    expect((await a.succeed("cat /sys/class/net/eth1/carrier")).trim()).toBe("0");
    await a.fail("ping -c 1 -W 2 192.168.1.2");
    await a.unblock();
    await a.waitUntilSucceeds("ping -c 1 -W 2 192.168.1.2", { timeoutMs: 60_000 });
  });

  it("runs commands with options objects; a wait's time-out names what it last saw", async () => {
    expect(await a.succeed("echo hi", { timeoutMs: 30_000 })).toBe("hi\n");
    expect(await a.execute("exit 7", { timeoutMs: 30_000 })).toEqual({ status: 7, stdout: "" });
    const error = await a.waitUntilSucceeds("echo still-no; false", { timeoutMs: 8_000, intervalMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineError);
    expect((error as MachineError).message).toMatch(/did not succeed within 8000 ms \(last: exit status 1, stdout: still-no\)/);
    expect((error as MachineError).code).toBe("QEMU_TIMEOUT");
  });

  it("waits for a file, an open port and a closed port", async () => {
    await a.succeed("rm -f /tmp/later; (sleep 2; touch /tmp/later) >/dev/null 2>&1 &");
    await a.waitForFile("/tmp/later", { timeoutMs: 30_000 });
    await a.succeed("(nc -l -p 7777 >/dev/null 2>&1 & echo $! > /tmp/nc.pid) >/dev/null 2>&1");
    await a.waitForOpenPort(7777, { timeoutMs: 30_000 });
    await a.succeed("kill $(cat /tmp/nc.pid)");
    await a.waitForClosedPort(7777, { timeoutMs: 30_000 });
  });

  it("waits for console text, from now on", async () => {
    const wait = a.waitForConsoleText("console-marker-4711", { fromNow: true, timeoutMs: 30_000 });
    await a.succeed("echo console-marker-4711 > /dev/ttyS0");
    expect((await wait)[0]).toBe("console-marker-4711");
  });

  it("copies files into the guest and back, byte for byte, mode kept", async () => {
    const file = join(work, "blob");
    const blob = randomBytes(2_000); // several pieces over the test shell
    await writeFile(file, blob);
    await chmod(file, 0o750);
    await a.copyFromHost(file, "/tmp/in/blob");
    expect((await a.succeed("stat -c %a /tmp/in/blob")).trim()).toBe("750");
    await a.copyFromMachine("/tmp/in/blob", join(work, "back", "blob"));
    expect((await readFile(join(work, "back", "blob"))).equals(blob)).toBe(true);
    expect((await stat(join(work, "back", "blob"))).size).toBe(2_000);
  });

  it("forwards a host port to the guest at run time", async () => {
    const port = await b.forwardPort({ guest: GUEST_HTTP_PORT });
    expect(b.forwardedPort(GUEST_HTTP_PORT)).toBe(port);
    const { stdout } = await execa("curl", ["-fsS", "--max-time", "20", `http://127.0.0.1:${port}/`]);
    expect(stdout + "\n").toBe(GUEST_PAGE);
  });

  it("types on the VM's keyboard and on the serial console", async () => {
    // A reader on the VGA console's terminal gets what the keyboard types.
    await b.succeed("rm -f /tmp/vga /tmp/serial; (head -n 1 /dev/tty1 > /tmp/vga) >/dev/null 2>&1 &");
    await b.sendChars("Typed on VGA: 42!\n");
    expect(await b.waitUntilSucceeds("grep . /tmp/vga", { timeoutMs: 30_000 })).toBe("Typed on VGA: 42!\n");
    await b.succeed("(head -n 1 /dev/ttyS0 > /tmp/serial) >/dev/null 2>&1 &");
    await b.sendChars("typed-on-serial", { to: "serial" });
    await b.sendKeys("ret", { to: "serial" });
    expect(await b.waitUntilSucceeds("grep . /tmp/serial", { timeoutMs: 30_000 })).toBe("typed-on-serial\n");
  });

  it("reads the screen as text (OCR)", async () => {
    await b.succeed("printf '\\033c' > /dev/tty1; for i in 1 2 3; do echo 'NOTOS SCREEN CHECK'; done > /dev/tty1");
    const text = await b.waitForText(/NOTOS SCREEN CHECK/, { timeoutMs: 60_000 });
    expect(text).toMatch(/NOTOS SCREEN CHECK/);
    expect(await b.getScreenText()).toMatch(/NOTOS SCREEN CHECK/);
  });

  it("reboots with Ctrl-Alt-Del and takes commands again", async () => {
    const bootId = await b.succeed("cat /proc/sys/kernel/random/boot_id");
    await b.reboot({ timeoutMs: 120_000 });
    expect(b.isRunning).toBe(true);
    expect(await b.succeed("cat /proc/sys/kernel/random/boot_id", { timeoutMs: 180_000 })).not.toBe(bootId);
    expect(b.consoleText().match(/Linux version/g)).toHaveLength(2);
  });

  it("saves the console log and a screenshot for a failed test", async () => {
    const files = await b.saveDiagnostics(join(work, "diagnostics"));
    expect(files.map((f) => f.slice(work.length))).toEqual(["/diagnostics/tiny2.console.log", "/diagnostics/tiny2.png"]);
    expect(await readFile(files[0]!, "utf8")).toMatch(/^\[\s*\d+\.\d{3}\] .*NOTOS-TEST-GUEST-READY$/m);
    expect((await readFile(files[1]!)).subarray(1, 4).toString("latin1")).toBe("PNG");
  });

  it("crashes: QEMU goes at once, and the other machine stays", async () => {
    const pid = b.pid!;
    await b.crash();
    expect(b.isRunning).toBe(false);
    expect(liveQemuPids()).not.toContain(pid);
    await a.fail("ping -c 1 -W 2 192.168.1.2");
    expect(await a.succeed("echo alive")).toBe("alive\n");
  });

  it("disposes of QEMU at the end of an `await using` scope", async () => {
    const { files } = await tinyGuest();
    let pid: number | undefined;
    {
      await using machine = await Machine.start({ files, config, name: "scoped" });
      pid = machine.pid;
      expect(liveQemuPids()).toContain(pid);
    }
    expect(liveQemuPids()).not.toContain(pid);
  });
});
