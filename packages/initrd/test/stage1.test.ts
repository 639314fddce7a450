import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { ModuleIndex, ModuleInfo } from "@notos/kernel";
import { shellQuote } from "@notos/core/text";
import { generateStage1, kernelCommandLine, stage1Modules } from "../src/public/stage1.js";
import { testConfig, type TestOptions } from "./context.js";

const mod = (name: string, depends: string[] = []): ModuleInfo => ({ name, file: `kernel/${name}.ko`, depends, softdeps: { pre: [], post: [] }, aliases: [] });
const index: ModuleIndex = {
  version: "6.1.0-test",
  builtin: ["ext4"],
  modules: [mod("virtio_ring"), mod("virtio", ["virtio_ring"]), mod("virtio_blk", ["virtio", "virtio_ring"]), mod("squashfs"), mod("overlay"), mod("virtio_rng", ["virtio"])],
};
const kernel = { version: index.version, index };
const config = (options: TestOptions = {}) => testConfig(options);
const base: TestOptions = { boot: { kernelModules: ["virtio_rng", "ext4"], initrd: { kernelModules: ["virtio_blk", "squashfs", "overlay"] } } };

/** Parse a script with sh -n: it must at least be valid shell. */
async function syntaxOk(script: string): Promise<void> {
  const run = await execa("sh", ["-n"], { input: script, reject: false });
  expect(run.stderr).toBe("");
  expect(run.exitCode).toBe(0);
}

describe("generateStage1", () => {
  it("loads the stage-1 closure before the root wait and the rest after mounting", async () => {
    const script = generateStage1(config(base), kernel);
    await syntaxOk(script);
    expect(stage1Modules(config(base), kernel)).toEqual({ early: ["virtio_ring", "virtio", "virtio_blk", "squashfs", "overlay"], late: ["virtio_rng"] });
    const early = script.indexOf("load_modules virtio_ring virtio virtio_blk squashfs overlay");
    const wait = script.indexOf('until dev=$(find_root) && [ -n "$dev" ]; do');
    const overlay = script.indexOf("mount -t overlay");
    const late = script.indexOf("load_modules virtio_rng\n");
    const exec = script.indexOf('exec switch_root /mnt "$init"');
    expect(early).toBeGreaterThan(0);
    expect([early < wait, wait < overlay, overlay < late, late < exec]).toEqual([true, true, true, true]);
    expect(script).toContain('echo "<<< notos stage 1 >>>"');
    expect(script).toContain("root=/dev/vda");
    expect(script).toContain("init=/usr/lib/notos/stage-2");
    expect(script).toContain('[ "$i" -ge 100 ] && fail "root device $root did not appear within 10 s"');
    expect(script).toContain("mount -t tmpfs -o size=50%,mode=0755 tmpfs /upper");
    expect(script.trimEnd().endsWith('exec switch_root /mnt "$init"')).toBe(true);
  });

  it("puts the initrd's root layers, when it has them, above the root image in the overlay", async () => {
    const script = generateStage1(config(base), kernel);
    await syntaxOk(script);
    const copy = script.indexOf("cp -a /root-layers/. /layers/");
    expect(script).toContain("if [ -d /root-layers ]; then");
    expect(script).toContain("mount -t tmpfs -o mode=0755 layers /layers");
    expect(script).toContain("  lower=/layers:/lower");
    expect(copy).toBeGreaterThan(script.indexOf("/lower ||"));
    expect(copy).toBeLessThan(script.indexOf("mount -t overlay"));
    // Its busybox goes with them: the boot shell of the layers' scripts.
    const shell = script.indexOf("cp /bin/busybox /layers/usr/lib/notos/busybox");
    expect(shell).toBeGreaterThan(copy);
    expect(shell).toBeLessThan(script.indexOf("  lower=/layers:/lower"));
  });

  it("holds no persistent-overlay or late-module code unless configured", () => {
    const script = generateStage1(config({ boot: { initrd: { kernelModules: ["squashfs"] } } }), kernel);
    expect(script).not.toContain("overlay_device");
    expect(script).not.toContain("mount -t ext4");
    expect(script.match(/^load_modules /gm)).toHaveLength(1);
  });

  it("mounts a persistent overlay device when one is configured", async () => {
    const script = generateStage1(config({ ...base, boot: { ...base.boot, initrd: { overlay: { device: "/dev/vdb" } } } }), kernel);
    await syntaxOk(script);
    expect(script).toContain("overlay_device=/dev/vdb");
    expect(script).toContain('while [ ! -b "$overlay_device" ]');
    expect(script).toContain('mount -t ext4 "$overlay_device" /upper');
    // No tmpfs for the upper layer (the one on /layers holds the initrd's root layers, when it has them).
    expect(script).not.toMatch(/mount -t tmpfs .*\/upper/);
    expect(script).toContain('mount -t overlay overlay -o "lowerdir=$lower,upperdir=/upper/upper,workdir=/upper/work" /mnt');
  });

  it("follows the configuration: root device, wait, file system, stage-2 init, shell default", () => {
    const script = generateStage1(
      config({ boot: { stage2Init: "/sbin/my init", initrd: { rootDevice: "/dev/sda", rootWaitSeconds: 3, rootFsType: "ext4", emergencyShell: true } } }),
      kernel,
    );
    expect(script).toContain("root=/dev/sda");
    expect(script).toContain("shell=1");
    expect(script).toContain('[ "$i" -ge 30 ]');
    expect(script).toContain(`mount -t ext4 -o ro "$root" /lower`);
    expect(script).toContain("init='/sbin/my init'");
  });

  it("fails on a configured module the kernel does not have", () => {
    expect(() => generateStage1(config({ boot: { initrd: { kernelModules: ["virtio_blck"] } } }), kernel)).toThrow(/close matches: virtio_blk/);
  });

  it("every failure path reports devices and modules, then shell or poweroff", () => {
    const script = generateStage1(config(base), kernel);
    const fail = script.slice(script.indexOf("fail() {"), script.indexOf("\n}\n", script.indexOf("fail() {")));
    expect(fail).toContain("/sys/class/block");
    expect(fail).toContain("/proc/modules");
    expect(fail).toContain("setsid cttyhack sh");
    expect(fail).toContain("poweroff -f");
    // every mount and modprobe is checked
    for (const line of script.split("\n").filter((l) => /^\s*(mount|modprobe) /.test(l))) expect(line).toMatch(/\|\| fail /);
  });
});

describe("stage 1 with boot.initrd.verity", () => {
  const verityIndex: ModuleIndex = { ...index, modules: [...index.modules, mod("dm_mod"), mod("dm_bufio"), mod("dm_verity", ["dm_mod", "dm_bufio"])] };
  const options: TestOptions = { boot: { ...base.boot, initrd: { kernelModules: ["virtio_blk", "squashfs", "overlay"], verity: true } } };
  const script = () => generateStage1(config(options), { version: verityIndex.version, index: verityIndex });
  /** The verity block of /init, run by the host's sh with `cmdline` as notos.verity's value and a dmsetup that prints its arguments. */
  async function open(verity: string): Promise<string> {
    const text = script();
    const block = text.slice(text.indexOf('[ -n "$verity" ]'), text.indexOf("\nroot=/dev/mapper/notos-root\n"));
    const t = mkdtempSync(join(tmpdir(), "notos-verity-stage1-"));
    const prelude = `fail() { echo "FAILED: $*"; exit 1; }\nlog() { :; }\ndmsetup() { echo "dmsetup $*"; }\nroot=/dev/vda\nverity=${shellQuote(verity)}\n`;
    const { stdout } = await execa("sh", { input: `${prelude}${block.replaceAll("[ -b /dev/mapper/notos-root ]", "true")}\n`, reject: false, cwd: t });
    return stdout;
  }

  it("loads dm-verity and reads notos.verity= from the command line; without the option, neither", async () => {
    await syntaxOk(script());
    expect(config(options).boot.initrd.kernelModules).toContain("dm-verity");
    expect(config(options).boot.initrd.programs).toEqual([{ package: "dmsetup", path: "/usr/sbin/dmsetup" }]);
    expect(script()).toContain('notos.verity=*) verity="${arg#notos.verity=}" ;;');
    expect(script()).toMatch(/load_modules .*dm_mod dm_bufio dm_verity/);
    expect(script().indexOf("dmsetup create")).toBeLessThan(script().indexOf("mount -t squashfs"));
    // Set from notos.verity= alone (the kernel hands init unknown name=value parameters as variables).
    expect(script()).toContain("\nverity=\nfor arg in $(cat /proc/cmdline); do");
    expect(script()).toMatch(/mount -t squashfs .*\|\| fail ".*through dm-verity: an image that does not match the root hash/);
    const plain = generateStage1(config(base), kernel);
    expect(plain).not.toContain("verity");
    expect(config(base).boot.initrd.programs).toEqual([]);
  });

  it("gives dmsetup the verity table over the root device, and refuses a malformed parameter or none", async () => {
    const hash = "ab".repeat(32);
    const salt = "cd".repeat(32);
    const out = await open(`4855,4855,${hash},${salt}`);
    expect(out).toContain(`dmsetup create --readonly --noudevsync notos-root --table 0 38840 verity 1 /dev/vda /dev/vda 4096 4096 4855 4855 sha256 ${hash} ${salt}`);
    expect(out).not.toContain("FAILED");
    expect(await open("")).toMatch(/FAILED: this initrd opens the root through dm-verity, and the kernel command line has no notos.verity=/);
    expect(await open(`4855,${hash},${salt}`)).toMatch(/FAILED: notos.verity=.*: expected notos.verity=<data blocks>,<hash start block>,<root hash>,<salt>/);
    expect(await open(`48x5,4855,${hash},${salt}`)).toMatch(/FAILED: .*the block counts are not numbers/);
    expect(await open(`4855,4855,${hash.toUpperCase()},${salt}`)).toMatch(/FAILED: .*not lower-case hex/);
  });
});

// The root-finding functions of /init, run by the host's sh against a
// sysfs tree and a disk image made here: the same code stage 1 runs, with
// /sys and /dev moved under a temporary directory.
describe("finding the root by GPT partition", () => {
  const guid = "0fc63daf-8483-4772-8e79-3d69d8477de4";
  /** A disk whose GPT (as far as stage 1 reads it) puts `guid` on partition 2. */
  function disk(): Buffer {
    const d = Buffer.alloc(64 * 512);
    d.write("EFI PART", 512, "latin1");
    d.writeBigUInt64LE(2n, 512 + 72); // entries at LBA 2
    d.writeUInt32LE(128, 512 + 84); // 128-byte entries
    const b = Buffer.from(guid.replace(/-/g, ""), "hex");
    const mixed = Buffer.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
    mixed.copy(d, 2 * 512 + 128 + 16);
    d.writeBigUInt64LE(40n, 2 * 512 + 128 + 32); // partition 2 starts at LBA 40
    return d;
  }
  function sysfs(): string {
    const t = mkdtempSync(join(tmpdir(), "notos-stage1-"));
    const dev = join(t, "sys/devices/pci0/virtio1/block/vda");
    mkdirSync(join(dev, "queue"), { recursive: true });
    writeFileSync(join(dev, "queue/logical_block_size"), "512\n");
    mkdirSync(join(t, "sys/class/block"), { recursive: true });
    symlinkSync(dev, join(t, "sys/class/block/vda"));
    for (const [n, name] of [[1, "EFI system partition"], [2, "notos-root"]] as const) {
      mkdirSync(join(dev, `vda${n}`));
      writeFileSync(join(dev, `vda${n}/partition`), `${n}\n`);
      writeFileSync(join(dev, `vda${n}/uevent`), `MAJOR=254\nMINOR=${n}\nDEVNAME=vda${n}\nDEVTYPE=partition\nPARTN=${n}\nPARTNAME=${name}\n`);
      symlinkSync(join(dev, `vda${n}`), join(t, `sys/class/block/vda${n}`));
    }
    mkdirSync(join(t, "dev"));
    writeFileSync(join(t, "dev/vda"), disk());
    return t;
  }
  /** `call` after the root-finding functions of /init, with `root` set, in a shell whose /sys and /dev are under `t`. */
  async function inStage1(t: string, root: string, call = "find_root"): Promise<string> {
    const script = generateStage1(config(base), kernel);
    const functions = script.slice(script.indexOf("le() {"), script.indexOf("\n}\n", script.indexOf("find_root() {")) + 3);
    const moved = functions.replaceAll("/sys/class/block", `${t}/sys/class/block`).replaceAll('"/dev/$disk"', `"${t}/dev/$disk"`);
    const { stdout } = await execa("sh", { input: `${moved}\nroot=${shellQuote(root)}\n${call}\n`, reject: false });
    return stdout;
  }
  const findRoot = (t: string, root: string) => inStage1(t, root);

  it("resolves root=PARTLABEL= from the partition names in sysfs", async () => {
    const t = sysfs();
    expect(await findRoot(t, "PARTLABEL=notos-root")).toBe("/dev/vda2");
    expect(await findRoot(t, "PARTLABEL=EFI system partition")).toBe("/dev/vda1");
    expect(await findRoot(t, "PARTLABEL=other")).toBe("");
  });

  it("resolves root=PARTUUID= from the unique GUIDs in the GPT, in either case", async () => {
    const t = sysfs();
    expect(await findRoot(t, `PARTUUID=${guid}`)).toBe("/dev/vda2");
    expect(await findRoot(t, `PARTUUID=${guid.toUpperCase()}`)).toBe("/dev/vda2");
    expect(await findRoot(t, "PARTUUID=00000000-0000-4000-8000-000000000000")).toBe("");
  });

  it("reads a GPT entry's GUID and first sector from a whole device, as it does on a CD", async () => {
    const t = sysfs();
    expect(await inStage1(t, "", `gpt_entry ${t}/dev/vda 512 2`)).toBe(`${guid} 40`);
    expect(await inStage1(t, "", `gpt_entry ${t}/dev/vda 2048 2 || echo none`)).toBe("none");
    const script = generateStage1(config(base), kernel);
    expect(script).toContain('losetup -r -o $(($2 * 512)) "$loop" "/dev/${d##*/}" && echo "$loop"');
  });

  it("finds nothing on a disk without a GPT, and keeps plain device paths", async () => {
    const t = sysfs();
    writeFileSync(join(t, "dev/vda"), Buffer.alloc(64 * 512));
    expect(await findRoot(t, `PARTUUID=${guid}`)).toBe("");
    expect(await findRoot(t, "/dev/null")).toBe("");
    const script = generateStage1(config(base), kernel);
    await syntaxOk(script);
    expect(script).toContain('[ "$dev" = "$root" ] || log "root device $root is $dev"');
  });
});

describe("kernelCommandLine", () => {
  it("is root= then the configured parameters", () => {
    expect(kernelCommandLine(config({ boot: { kernelParams: ["console=ttyS0", "quiet"] } }))).toBe("root=/dev/vda console=ttyS0 quiet");
    expect(kernelCommandLine(config({ boot: { initrd: { rootDevice: "/dev/sda" } } }))).toBe("root=/dev/sda");
  });
});

// /init quotes every configured value with core's shellQuote.
describe("quoting in /init", () => {
  it("leaves safe words bare, and any value survives a round trip through sh", async () => {
    expect(shellQuote("/dev/vda")).toBe("/dev/vda");
    const value = `it's "quoted" $HOME \`x\` \\`;
    const { stdout } = await execa("sh", ["-c", `printf %s ${shellQuote(value)}`]);
    expect(stdout).toBe(value);
  });
});
