// Booting a disk image or an ISO: the arguments qemuArgs and Machine use,
// and the generated runvm's --disk, --iso and --uefi, run for real against
// a stand-in QEMU that writes down its arguments. (The real boots of real
// images are @notos/disk's boot tests.)
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIST_NAMES } from "../src/args.js";
import { OVMF_FIRMWARE, OVMF_SECURE_BOOT_CODE, bootMediaArgs, defaultVmConfig, distFiles, qemuArgs, runvmScript, secureBootArgs } from "../src/index.js";

let work: string;
let stub: string;
let argsFile: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "notos-media-test-"));
  argsFile = join(work, "qemu-args");
  stub = join(work, "fake-qemu");
  await writeFile(stub, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n`);
  await chmod(stub, 0o755);
});

afterAll(() => rm(work, { recursive: true, force: true }));

/** A dist/ with the direct-boot files and the named images (their content does not matter to the stand-in). */
async function dist(name: string, images: string[]): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  for (const f of [DIST_NAMES.kernel, DIST_NAMES.initrd, DIST_NAMES.rootfs, ...images]) await writeFile(join(dir, f), "x");
  await writeFile(join(dir, DIST_NAMES.commandLine), "root=/dev/vda console=ttyS0\n");
  await writeFile(join(dir, DIST_NAMES.runvm), runvmScript(defaultVmConfig()), { mode: 0o755 });
  return dir;
}

async function runvm(dir: string, args: string[], env: Record<string, string> = {}) {
  await rm(argsFile, { force: true });
  const r = await execa(join(dir, "runvm"), args, { stdin: "ignore", reject: false, env: { NOTOS_ACCEL: "tcg", NOTOS_QEMU: stub, ...env } });
  const qemu = await readFile(argsFile, "utf8").then((t) => t.trimEnd().split("\n"), () => undefined);
  return { ...r, qemu };
}

describe("bootMediaArgs and qemuArgs", () => {
  it("attach the image read-only, with OVMF for UEFI, instead of -kernel/-initrd/-append", () => {
    expect(bootMediaArgs({ file: "/d/disk.img" })).toEqual(["-drive", "file=/d/disk.img,if=virtio,format=raw,readonly=on"]);
    expect(bootMediaArgs({ file: "/d/a,b.qcow2", format: "qcow2", firmware: "uefi" })).toEqual(["-bios", OVMF_FIRMWARE, "-drive", "file=/d/a,,b.qcow2,if=virtio,format=qcow2,readonly=on"]);
    expect(bootMediaArgs({ file: "/d/disk.iso", cdrom: true })).toEqual(["-drive", "file=/d/disk.iso,media=cdrom,format=raw,readonly=on"]);
    const direct = qemuArgs(distFiles("/d"), defaultVmConfig(), { commandLine: "root=/dev/vda" });
    expect(direct).toContain("-kernel");
    const media = qemuArgs(distFiles("/d"), defaultVmConfig(), { commandLine: "root=/dev/vda", media: { file: "/d/disk.iso", firmware: "uefi" } });
    expect(media).not.toContain("-kernel");
    expect(media).not.toContain("-append");
    expect(media.slice(media.indexOf("-bios"), media.indexOf("-bios") + 4)).toEqual(["-bios", OVMF_FIRMWARE, "-drive", "file=/d/disk.iso,if=virtio,format=raw,readonly=on"]);
    // Everything else is the same VM.
    expect(media.filter((a) => !["-bios", OVMF_FIRMWARE].includes(a) && !a.startsWith("file=/d/disk.iso"))).toEqual(
      direct.filter((a) => !["-kernel", "-initrd", "-append", "/d/kernel", "/d/initrd", "root=/dev/vda"].includes(a) && !a.startsWith("file=/d/root.squashfs")),
    );
  });
});

describe("runvm's boot flags", () => {
  it("boots the kernel directly without flags, as before", async () => {
    const dir = await dist("direct", ["disk.img"]);
    const r = await runvm(dir, ["-smp", "2"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.qemu).toEqual(expect.arrayContaining(["-kernel", `${dir}/kernel`, "-append", "root=/dev/vda console=ttyS0", `file=${dir}/root.squashfs,if=virtio,format=raw,readonly=on`]));
    expect(r.qemu!.slice(-2)).toEqual(["-smp", "2"]);
  });

  it("--disk --uefi boots disk.img through OVMF and passes the rest on", async () => {
    const dir = await dist("uefi", ["disk.img", "disk.qcow2"]);
    const r = await runvm(dir, ["--disk", "--uefi", "-smp", "2"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const at = r.qemu!.indexOf("-bios");
    expect(r.qemu!.slice(at, at + 4)).toEqual(["-bios", OVMF_FIRMWARE, "-drive", `file=${dir}/disk.img,if=virtio,format=raw,readonly=on`]);
    expect(r.qemu).not.toContain("-kernel");
    expect(r.qemu!.slice(-2)).toEqual(["-smp", "2"]);
  });

  it("--disk takes disk.qcow2 when there is no disk.img; --iso takes disk.iso as a CD under SeaBIOS", async () => {
    const q = await runvm(await dist("qcow2", ["disk.qcow2"]), ["--disk"]);
    expect(q.exitCode, q.stderr).toBe(0);
    expect(q.qemu!.find((a) => a.startsWith("file="))).toMatch(/\/disk\.qcow2,if=virtio,format=qcow2,readonly=on$/);
    expect(q.qemu).not.toContain("-bios");
    const i = await runvm(await dist("iso", ["disk.iso"]), ["--iso"]);
    expect(i.exitCode, i.stderr).toBe(0);
    expect(i.qemu!.find((a) => a.startsWith("file="))).toMatch(/\/disk\.iso,media=cdrom,format=raw,readonly=on$/);
  });

  it("stops before QEMU, saying what to do, on a missing image, --uefi alone, or missing firmware", async () => {
    const dir = await dist("missing", []);
    const iso = await runvm(dir, ["--iso"]);
    expect(iso.exitCode).toBe(1);
    expect(iso.stderr).toMatch(/no disk\.iso in .*: add @notos\/disk's diskModule to the system \(with iso in disk\.formats\)/);
    const uefi = await runvm(dir, ["--uefi"]);
    expect(uefi.stderr).toContain("--uefi boots a disk image or an ISO: add --disk or --iso");
    const disk = await dist("no-ovmf", ["disk.img"]);
    const ovmf = await runvm(disk, ["--disk", "--uefi"], { NOTOS_OVMF: join(work, "nowhere.fd") });
    expect(ovmf.exitCode).toBe(1);
    expect(ovmf.stderr).toMatch(/UEFI firmware .*nowhere\.fd not found: install Debian's ovmf package/);
    for (const r of [iso, uefi, ovmf]) expect(r.qemu).toBeUndefined();
  });
});

describe("runvm --uefi of a signed build (OVMF_VARS.fd beside runvm)", () => {
  it("boots OVMF's Secure Boot firmware with a temporary copy of the store, removed when QEMU ends", async () => {
    const dir = await dist("secure", ["disk.img"]);
    await writeFile(join(dir, "OVMF_VARS.fd"), "the enrolled keys");
    // This stand-in also keeps what it found in the writable flash, and where that was.
    const seen = join(work, "vars-seen");
    const keeper = join(work, "fake-qemu-vars");
    await writeFile(keeper, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nfor a in "$@"; do case $a in *unit=1,file=*) cp "\${a#*unit=1,file=}" '${seen}' ;; esac; done\n`);
    await chmod(keeper, 0o755);
    const r = await runvm(dir, ["--disk", "--uefi", "-smp", "2"], { NOTOS_QEMU: keeper, NOTOS_OVMF: OVMF_FIRMWARE });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/runvm: UEFI Secure Boot: .* with the keys of .*\/OVMF_VARS\.fd/);
    const flash = r.qemu!.find((a) => a.startsWith("if=pflash,format=raw,unit=1,file="))!;
    const copy = flash.slice("if=pflash,format=raw,unit=1,file=".length);
    expect(copy.startsWith(dir)).toBe(false);
    expect(await readFile(seen, "utf8")).toBe("the enrolled keys");
    await expect(readFile(copy)).rejects.toThrow(/ENOENT/);
    expect(r.qemu).not.toContain("-bios");
    const expected = secureBootArgs({ vars: copy, code: OVMF_FIRMWARE });
    expect(r.qemu!.slice(r.qemu!.indexOf("-machine"), r.qemu!.indexOf("-machine") + expected.length)).toEqual(expected);
    expect(r.qemu).toContain(`file=${dir}/disk.img,if=virtio,format=raw,readonly=on`);
    expect(r.qemu!.slice(-2)).toEqual(["-smp", "2"]);
  });

  it("are what a Machine's media with secureBoot gets too", () => {
    expect(bootMediaArgs({ file: "/d/disk.img", firmware: "uefi", secureBoot: { vars: "/t/v,1.fd" } })).toEqual([
      ...secureBootArgs({ vars: "/t/v,1.fd" }),
      "-drive", "file=/d/disk.img,if=virtio,format=raw,readonly=on",
    ]);
    expect(secureBootArgs({ vars: "/t/v,1.fd" })).toContain("if=pflash,format=raw,unit=1,file=/t/v,,1.fd");
  });

  it("says which firmware is missing, and boots SeaBIOS without --uefi", async () => {
    const dir = await dist("secure-no-code", ["disk.img"]);
    await writeFile(join(dir, "OVMF_VARS.fd"), "keys");
    const r = await runvm(dir, ["--disk", "--uefi"], { NOTOS_OVMF: join(work, "nowhere.fd") });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Secure Boot firmware .*nowhere\.fd not found: install Debian's ovmf package/);
    expect(r.qemu).toBeUndefined();
    const bios = await runvm(dir, ["--disk"]);
    expect(bios.exitCode, bios.stderr).toBe(0);
    expect(bios.qemu).not.toContain("-machine");
    expect(secureBootArgs({ vars: "/v" })).toContain(`if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_SECURE_BOOT_CODE}`);
  });
});
