// A machine whose writable overlay lives on a disk (boot.initrd.overlay.device,
// the build machine's layout) keeps what was written across a poweroff, on
// a real boot under QEMU (TCG). The file is written right before `poweroff`,
// so it is still in the page cache when runit stage 3 starts: stage 3 runs no
// sync of its own, and it is runit, after killing what is left, that syncs
// the file systems before powering off. The second boot also finds the ssh
// host key and the TLS certificate of the first: first-boot work runs once.
import { closeSync, openSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Machine } from "@notos/qemu";
import { buildTestSystem, type TestSystem } from "./system.ts";

let system: TestSystem;
let machine: Machine | undefined;

/** What each boot reports: the marker file, the host key's fingerprint and the certificate's. */
const REPORT = "cat /root/marker; ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub; openssl x509 -in /var/lib/notos/tls/nginx.crt -noout -fingerprint -sha256";

function boot(name: string): Machine {
  machine = new Machine({ dist: system.dist, config: system.config, accel: "tcg", consoleLog: join(system.dist, "..", `${name}.log`), commandTimeoutMs: 120_000 });
  return machine;
}

beforeAll(async () => {
  system = await buildTestSystem({
    boot: { initrd: { overlay: { device: "/dev/vdb" } } },
    qemu: { disks: [{ file: "../overlay.img" }] },
  });
  // Blank: stage 1 formats it (mke2fs) on the first boot.
  const disk = openSync(join(system.dist, "..", "overlay.img"), "w");
  ftruncateSync(disk, 256 * 1024 * 1024);
  closeSync(disk);
}, 1_200_000);

afterAll(() => machine?.kill());

describe("a persistent overlay", () => {
  it("keeps a file written right before poweroff, and the first boot's keys", async () => {
    const first = boot("first");
    await first.start();
    await first.waitForService("sshd");
    await first.waitForService("nginx");
    // The certificate is made beside nginx: its https port opens once it exists.
    await first.waitForOpenPort(443, 120_000);
    const written = (await first.succeed(`echo "written at $(cut -d ' ' -f 1 /proc/uptime)" > /root/marker && ${REPORT}`)).trim();
    expect(written).toMatch(/^written at [\d.]+\n256 SHA256:\S+ .*\(ED25519\)\nsha256 Fingerprint=/);
    expect(await first.shutdown({ via: "command", command: "poweroff" })).toBe(0);
    expect(first.consoleText()).toMatch(/notos: services stopped[\s\S]*runit: power off/);

    const second = boot("second");
    await second.start();
    await second.waitForService("nginx");
    expect((await second.succeed(REPORT)).trim()).toBe(written);
    // The first boot's certificate is linked in before nginx starts: https from the start, no reload.
    expect(await second.succeed("ls /run/nginx-tls")).toMatch(/tls\.conf/);
    expect(second.consoleText()).not.toMatch(/nginx: TLS on/);
    expect(second.consoleText()).not.toMatch(/generating the (ssh host key|self-signed TLS certificate)/);
    expect(await second.shutdown()).toBe(0);
  });
});
