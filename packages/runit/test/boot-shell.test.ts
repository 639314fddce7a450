// The boot shell from the real Debian archive (signed index, sha256 per
// .deb), and runit's generated scripts run under it on this machine: what
// the scripts rely on is busybox's behaviour, not dash's, so the oracle is
// the binary the guest runs.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evalSystem, realise } from "@notos/core";
import { silentReporter } from "@notos/core/progress";
import { Store } from "@notos/core/store";
import { readLayer } from "@notos/core/tree";
import { debianModule, debianPackageSource } from "@notos/debian";
import { BUSYBOX, bootShell, runitLayer } from "../src/index.js";
import { assertRedirected, find, pathsIn, text } from "./helpers.js";
import { configOf } from "./system.js";

const temp = () => mkdtempSync(join(tmpdir(), "notos-boot-shell-"));
let busybox: string;
let entry: { mode: number; uid: number; gid: number; size: number };

beforeAll(async () => {
  const dir = temp();
  const { config } = evalSystem({ imports: [debianModule] });
  const artifact = await realise(bootShell, {
    config,
    store: new Store(join(dir, "store")),
    reporter: silentReporter,
    packages: debianPackageSource({ debian: config.debian, lockFile: join(dir, "notos.lock.json"), reporter: silentReporter }),
  });
  const layer = await readLayer(artifact.path);
  const file = find(layer.entries, BUSYBOX);
  if (file?.type !== "file") throw new Error(`the boot-shell layer has no ${BUSYBOX}`);
  entry = { mode: file.mode, uid: file.uid, gid: file.gid, size: file.content.length };
  busybox = join(dir, "busybox");
  writeFileSync(busybox, file.content);
  chmodSync(busybox, 0o755);
}, 300_000);

describe("the boot shell", () => {
  it("is Debian's static busybox, root's and executable, linked at a fixed address with no loader", () => {
    expect(entry).toMatchObject({ mode: 0o755, uid: 0, gid: 0 });
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
    expect(spawnSync("stat", ["-c", "%a", join(dir, "a", "b")], { encoding: "utf8" }).stdout).toBe("750\n");
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
