// The boot shell is the initrd's busybox, Debian's busybox-static (from
// the real archive here: signed index, sha256 per .deb), and runit's
// generated scripts run under it on this machine: what the scripts rely on
// is busybox's behaviour, not dash's, so the oracle is the binary the
// guest runs.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evalSystem } from "@notos/core";
import { silentReporter } from "@notos/core/progress";
import { debianModule, debianPackageSource } from "@notos/debian";
import { busyboxFromDeb } from "@notos/initrd/busybox";
import { runitLayer } from "../src/index.js";
import { assertRedirected, find, pathsIn, text } from "./helpers.js";
import { configOf } from "./system.js";

const temp = () => mkdtempSync(join(tmpdir(), "notos-boot-shell-"));
let busybox: string;

beforeAll(async () => {
  const dir = temp();
  const { config } = evalSystem({ imports: [debianModule] });
  const source = debianPackageSource({ debian: config.debian, lockFile: join(dir, "notos.lock.json"), reporter: silentReporter });
  const [deb] = await source.fetch({ name: "boot-shell", roots: ["busybox-static"], dependencies: "none" });
  // The binary as the initrd takes it from the package.
  busybox = join(dir, "busybox");
  writeFileSync(busybox, (await busyboxFromDeb(deb!.file, deb!.name)).binary);
  chmodSync(busybox, 0o755);
}, 300_000);

describe("the boot shell", () => {
  it("is linked at a fixed address, with no loader", () => {
    const elf = readFileSync(busybox);
    expect(elf.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    // e_type 2 (ET_EXEC): the code sits where it was linked, so TCG reuses its translations from one start to the next.
    expect(elf.readUInt16LE(16)).toBe(2);
    const phnum = elf.readUInt16LE(56);
    const phoff = Number(elf.readBigUInt64LE(32));
    const types = Array.from({ length: phnum }, (_, i) => elf.readUInt32LE(phoff + i * elf.readUInt16LE(54)));
    expect(types).not.toContain(3); // PT_INTERP: no dynamic loader
  });

  it("runs a command named like one of its applets as the applet, whatever PATH says", () => {
    // The scripts count on it: stage 1's mkdir, chmod, chown and ip start no other program.
    const dir = temp();
    const r = spawnSync(busybox, ["sh", "-c", `mkdir -p ${dir}/a/b && chmod 0750 ${dir}/a/b && type ip && type poweroff`], { env: { PATH: "/nonexistent" }, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("ip is ip\npoweroff is poweroff\n");
    expect(statSync(join(dir, "a", "b")).mode & 0o777).toBe(0o750);
  });

  it("runs /etc/runit/2, which hands runsvdir PATH alone in its environment", () => {
    const dir = temp();
    writeFileSync(join(dir, "runsvdir"), "#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/environ\n");
    chmodSync(join(dir, "runsvdir"), 0o755);
    const source = text(find(runitLayer(configOf({ services: { web: { run: "exec web" } } }), { paths: pathsIn(dir, 1 << 23) }).entries, "/etc/runit/2"));
    assertRedirected(source, dir, 1 << 23);
    writeFileSync(join(dir, "2"), source.replace(/^exec runsvdir /m, "exec ./runsvdir "));
    // busybox's `export -p` quotes its own way: the loop must read its lines, a value that looks like another line included.
    const env = { HOME: "/", TERM: "linux", PWD: "/", SHLVL: "1", NOTE: "a\nexport PATH_TOO=1", PATH: "/usr/bin:/bin" };
    const r = spawnSync(busybox, ["sh", join(dir, "2")], { env, cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("PATH=/usr/sbin:/usr/bin:/sbin:/bin\n");
  });
});
