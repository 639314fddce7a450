// The not-os experience, checked on a real boot under QEMU (TCG): stages in
// order, ssh with a key (and no password), nginx over http and https,
// runit supervision, a root whose file selections left nothing it needs
// out (PAM modules, libraries), a screenshot, and poweroff.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { elfDependencies, isElf } from "@notos/core/elf";
import { TLS_DIR } from "@notos/modules";
import { Machine } from "@notos/qemu";
import { changedPixels, decodePng, ink } from "../../test-support/png.ts";
import { buildTestSystem, type TestSystem } from "./system.ts";

/** Lines the screenshot test writes to the VGA console. */
const SCREEN_LINES = 12;

let system: TestSystem;
let machine: Machine;

beforeAll(async () => {
  system = await buildTestSystem();
  machine = new Machine({ dist: system.dist, config: system.config, accel: "tcg", consoleLog: join(system.dist, "..", "console.log") });
  await machine.start();
  await machine.waitForShell(180_000);
}, 1_200_000);

afterAll(() => machine?.kill());

describe("the default system", () => {
  it("boots through stage 1, switch_root, stage 2 and runit stages 1 and 2, in order", async () => {
    await machine.waitForConsole(/enter stage: \/etc\/runit\/2/, 60_000);
    const text = machine.consoleText();
    const marks = [
      /<<< notos stage 1 >>>/,
      /notos stage 1: switching to \/usr\/lib\/notos\/stage-2/,
      /<<< notos stage 2 >>>/,
      /enter stage: \/etc\/runit\/1/,
      /leave stage: \/etc\/runit\/1/,
      /enter stage: \/etc\/runit\/2/,
    ].map((re) => {
      const m = re.exec(text);
      expect(m, `console shows ${re}`).not.toBeNull();
      return m!.index;
    });
    expect([...marks].sort((a, b) => a - b)).toEqual(marks);
  });

  it("lets root in over ssh with the configured key, and refuses a password", async () => {
    await machine.waitForService("sshd");
    const ok = await waitForSsh();
    expect(ok.stdout.trim()).toBe("root notos");

    const password = await execa(
      "ssh",
      [
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
        "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive",
        "-p", String(machine.forwardedPort(22)), "root@127.0.0.1", "true",
      ],
      { reject: false, stdin: "ignore", timeout: 60_000 },
    );
    expect(password.exitCode).toBe(255);
    expect(password.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it("serves the default page over http and over TLS with the certificate made at first boot", async () => {
    await machine.waitForService("nginx");
    const http = await curl(`http://127.0.0.1:${machine.forwardedPort(80)}/`);
    expect(http).toMatch(/notos/);

    // https comes a moment later on a first boot: nginx takes the TLS server in once the certificate is made.
    await machine.waitForOpenPort(443, 120_000);
    expect(machine.consoleText()).toMatch(/nginx: generating the self-signed TLS certificate[\s\S]*nginx: TLS on/);
    const https = await execa("curl", ["-ksSfv", "--max-time", "20", `https://127.0.0.1:${machine.forwardedPort(443)}/`], { reject: false });
    expect(https.exitCode).toBe(0);
    expect(https.stdout).toBe(http);
    // The certificate was generated in this VM: its fingerprint matches the guest's file.
    expect(https.stderr).toMatch(/SSL connection using/);
    const served = await execa("sh", ["-c", `openssl s_client -connect 127.0.0.1:${machine.forwardedPort(443)} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`]);
    const generated = await machine.succeed(`openssl x509 -in ${TLS_DIR}/nginx.crt -noout -fingerprint -sha256`);
    expect(served.stdout.trim()).toMatch(/Fingerprint=/);
    expect(served.stdout.trim()).toBe(generated.trim());
    // The key is root's alone, from the moment it is written.
    expect((await machine.succeed(`stat -c '%a %U' ${TLS_DIR} ${TLS_DIR}/nginx.key`)).trim()).toBe("700 root\n600 root");
  });

  it("has runit restart nginx when it is killed", async () => {
    const before = await mainPid("nginx");
    await machine.succeed(`kill -9 ${before}`);
    // Wait only until the killed process is gone and runit has reported the
    // service up for 3 s; whether that is really a new nginx is checked after.
    await machine.waitUntilFails(`kill -0 ${before}`, 30_000);
    const after = await waitFor(async () => {
      const state = await serviceState("nginx").catch(() => undefined);
      return state && state.seconds >= 3 ? state : undefined;
    }, 60_000);
    // A status still naming the dead process would mean runit never noticed.
    expect(after.pid).not.toBe(before);
    expect((await machine.succeed(`cat /proc/${after.pid}/comm`)).trim()).toBe("nginx");
    // And it serves again (not one failing to bind in a restart loop).
    expect(await curl(`http://127.0.0.1:${machine.forwardedPort(80)}/`)).toMatch(/notos/);
    expect((await serviceState("nginx")).pid).toBe(after.pid);
  });

  it("has every PAM module its PAM files name, and none of the tools the root leaves out", async () => {
    // Every `pam_*.so` named outside a comment, in every PAM file the running system has,
    // but on lines that start with "-" (PAM skips those when the module is missing: pam_systemd).
    const missing = await machine.succeed(
      "sed -e 's/#.*//' -e '/^[[:space:]]*-/d' /etc/pam.d/* | grep -o 'pam_[a-z_]*[.]so' | sort -u | while read -r m; do [ -e /usr/lib/x86_64-linux-gnu/security/$m ] || echo $m; done",
    );
    expect(missing.trim().split("\n").filter(Boolean)).toEqual([]);
    const present = await machine.succeed("for p in useradd passwd mkfs wipefs debconf adduser ls lsblk dmesg flock ssh-keygen; do command -v $p >/dev/null && echo $p; done");
    expect(present.trim().split("\n")).toEqual(["ls", "lsblk", "dmesg", "flock", "ssh-keygen"]);
  });

  it("has the libraries of every program and library in its root, as the root's own dynamic loader finds them", () => {
    const tree = mkdtempSync(join(tmpdir(), "notos-root-"));
    try {
      const root = join(tree, "root");
      execFileSync("unsquashfs", ["-no-progress", "-no-xattrs", "-quiet", "-d", root, join(system.dist, "root.squashfs")], { stdio: "ignore" });
      // The loader the root's programs name (PT_INTERP), run in a chroot of the root, so the host's libraries cannot stand in for missing ones.
      const loader = elfDependencies(readFileSync(join(root, "usr/sbin/sshd")), "sshd").interpreter!;
      const broken: string[] = [];
      let checked = 0;
      for (const file of elfFiles(root)) {
        checked++;
        const r = spawnSync("chroot", [root, loader, "--list", file.slice(root.length)], { encoding: "utf8" });
        const notFound = r.stdout.split("\n").filter((l) => l.includes("not found"));
        if (r.status !== 0 || notFound.length) broken.push(`${file.slice(root.length)}: ${[r.stderr.trim(), ...notFound.map((l) => l.trim())].filter(Boolean).join(", ")}`);
      }
      expect(checked).toBeGreaterThan(100);
      expect(broken).toEqual([]);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it("takes a screenshot of the VGA console as a PNG that shows the console's text", async () => {
    const dir = join(system.dist, "..");
    const shot = async (name: string) => {
      const file = join(dir, name);
      await machine.screenshot(file);
      return readFileSync(file);
    };
    const before = await shot("screen-before.png");
    expect(before.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(before.subarray(12, 16).toString("latin1")).toBe("IHDR");

    // Fill the foreground virtual terminal with lines of text, then look again.
    await machine.succeed(`i=0; while [ $i -lt ${SCREEN_LINES} ]; do i=$((i+1)); echo "notos screenshot line $i: ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"; done > /dev/tty1`);
    const after = decodePng(await shot("screen.png"));
    expect(after.width).toBeGreaterThanOrEqual(640);
    expect(after.height).toBeGreaterThanOrEqual(400);
    // A blank frame is all one colour; text leaves glyph pixels on many rows.
    // (The firmware's few lines alone, as in the first shot: about 1.6 % on 51 rows.)
    const text = ink(after);
    expect(text.pixels, "pixels that are not background").toBeGreaterThan(after.width * after.height * 0.03);
    expect(text.rows, "pixel rows with text").toBeGreaterThan(SCREEN_LINES * 8);
    // And they are the lines just written (about 1900 pixels each): the screen changed since the first shot.
    expect(changedPixels(decodePng(before), after)).toBeGreaterThan(SCREEN_LINES * 1000);
  });

  it("powers off through runit stage 3, and QEMU exits with status 0", async () => {
    // poweroff ends stage 2 by sending runsvdir TERM, found through the id stage 2 left in /run.
    const [name, parent] = (await machine.succeed("read -r pid < /run/runit.stage-2.pid && cat /proc/$pid/comm && cut -d ' ' -f 4 /proc/$pid/stat")).trim().split("\n");
    expect({ name, parent }).toEqual({ name: "runsvdir", parent: "1" });
    // The test shell (the driver's, over hvc0) runs under the boot shell: its stty is an applet, not one more program at boot.
    expect(await machine.succeed("head -n 1 /etc/sv/test-shell/run")).toBe("#!/usr/lib/notos/busybox sh\n");
    const code = await machine.shutdown(90_000);
    expect(code).toBe(0);
    const text = machine.consoleText();
    expect(text).toMatch(/enter stage: \/etc\/runit\/3/);
  });
});

/** The regular files below `dir` that are ELF objects. */
function* elfFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* elfFiles(path);
    else if (entry.isFile() && isElf(readFileSync(path))) yield path;
  }
}

async function waitForSsh() {
  return waitFor(async () => {
    const r = await machine.ssh("echo $(id -un) $(hostname)", { key: system.key, timeoutMs: 30_000 });
    return r.status === 0 ? r : undefined;
  }, 90_000);
}

async function curl(url: string): Promise<string> {
  return waitFor(async () => {
    const r = await execa("curl", ["-sSf", "--max-time", "20", url], { reject: false });
    return r.exitCode === 0 ? String(r.stdout) : undefined;
  }, 60_000);
}

async function serviceState(service: string): Promise<{ pid: number; seconds: number }> {
  const status = await machine.succeed(`sv status ${service}`);
  const m = /^run: [^:]+: \(pid (\d+)\) (\d+)s/.exec(status.trim());
  if (!m) throw new Error(`${service} is not running: ${status}`);
  return { pid: Number(m[1]), seconds: Number(m[2]) };
}

async function mainPid(service: string): Promise<number> {
  return (await serviceState(service)).pid;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== 0) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
