// The KVM probe: it answers without hanging, caches, and can say yes (shown
// under TCG, which always works) as well as no.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { accelProbe } from "../src/accel.js";
import { accelProbeArgs } from "../src/args.js";
import { tinyGuest } from "./helpers/guest.js";

describe("accelProbe", () => {
  it("answers kvm or tcg within its timeout, once per process", async () => {
    const { files } = await tinyGuest();
    const started = Date.now();
    const first = accelProbe({ kernel: files.kernel });
    expect(["kvm", "tcg"]).toContain(await first);
    expect(accelProbe({ kernel: files.kernel })).toBe(first);
    // The probe is bounded by its 5 s timeout plus QEMU start-up, never by a hung guest.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 600_000);

  it("says tcg when the kernel cannot run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notos-probe-test-"));
    const bogus = join(dir, "not-a-kernel");
    await execa("sh", ["-c", `head -c 4096 /dev/zero > '${bogus}'`]);
    // A stand-in device: QEMU itself gets to try, whether or not this machine has /dev/kvm.
    const kvmDevice = join(dir, "kvm");
    await writeFile(kvmDevice, "");
    expect(await accelProbe({ kernel: bogus, kvmDevice })).toBe("tcg");
  });

  it("says tcg without starting QEMU when there is no KVM device", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notos-probe-test-"));
    const started = join(dir, "started");
    const qemu = join(dir, "qemu");
    await writeFile(qemu, `#!/bin/sh\ntouch '${started}'\n`, { mode: 0o755 });
    expect(await accelProbe({ kernel: join(dir, "any"), qemu, kvmDevice: join(dir, "no-such-device") })).toBe("tcg");
    await expect(readFile(started)).rejects.toThrow(/ENOENT/);
  });

  it("kills a probe that hangs and says tcg", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notos-probe-test-"));
    const hang = join(dir, "hanging-qemu");
    const pidFile = join(dir, "pid");
    await writeFile(hang, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 600\n`, { mode: 0o755 });
    // A stand-in device, so that the probe runs on a machine without /dev/kvm too.
    const kvmDevice = join(dir, "kvm");
    await writeFile(kvmDevice, "");
    const started = Date.now();
    expect(await accelProbe({ kernel: join(dir, "any"), qemu: hang, timeoutMs: 1_000, kvmDevice })).toBe("tcg");
    expect(Date.now() - started).toBeLessThan(10_000);
    const pid = Number(await readFile(pidFile, "utf8"));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it("recognises a kernel that ran: the same probe under TCG panics as designed and exits 0", async () => {
    const { files } = await tinyGuest();
    const dir = await mkdtemp(join(tmpdir(), "notos-probe-test-"));
    const log = join(dir, "serial.log");
    const args = accelProbeArgs(files.kernel, log);
    const tcg = args.slice(args.indexOf("-nodefaults"));
    const r = await execa("qemu-system-x86_64", ["-accel", "tcg", ...tcg], { stdin: "ignore", reject: false, timeout: 60_000, killSignal: "SIGKILL" });
    expect(r.exitCode).toBe(0);
    expect(await readFile(log, "utf8")).toContain("Kernel panic");
  }, 600_000);
});
