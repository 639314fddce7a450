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
    const wait = script.indexOf('while [ ! -b "$root" ]');
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
    expect(script).not.toContain("mount -t tmpfs");
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
