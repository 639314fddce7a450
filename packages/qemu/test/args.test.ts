// qemuArgs and runvmScript are data: checked as data, and the script with bash -n.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { accelProbeArgs } from "../src/args.js";
import { defaultVmConfig, distFiles, qemuArgs, runvmScript, type VmConfig } from "../src/index.js";
import { vmConfig } from "./helpers/system.js";

const config = vmConfig({
  system: { name: "demo" },
  qemu: {
    memory: 768,
    cpus: 2,
    forwards: [
      { host: 2222, guest: 22 },
      { host: 9080, guest: 80, bind: "0.0.0.0" },
      { proto: "udp", host: 5353, guest: 53 },
    ],
    disks: [{ file: "data.img", size: "1G" }, { file: "/srv/images/ro,disk.qcow2", format: "qcow2", readonly: true }],
    extraArgs: ["-device", "virtio-balloon-pci"],
  },
});

/** The value following a flag, for each occurrence. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

describe("qemuArgs", () => {
  const args = qemuArgs(distFiles("/d"), config, { commandLine: "console=ttyS0 root=/dev/vda", accel: "tcg" });

  it("boots the kernel, initrd and command line", () => {
    expect(values(args, "-kernel")).toEqual(["/d/kernel"]);
    expect(values(args, "-initrd")).toEqual(["/d/initrd"]);
    expect(values(args, "-append")).toEqual(["console=ttyS0 root=/dev/vda"]);
  });

  it("attaches the root read-only first, then the extra disks (commas in paths doubled)", () => {
    expect(values(args, "-drive")).toEqual([
      "file=/d/root.squashfs,if=virtio,format=raw,readonly=on",
      "file=/d/data.img,if=virtio,format=raw",
      "file=/srv/images/ro,,disk.qcow2,if=virtio,format=qcow2,readonly=on",
    ]);
  });

  it("sizes the VM, forwards ports on their bind address, adds virtio-net and virtio-rng", () => {
    expect(values(args, "-m")).toEqual(["768"]);
    expect(values(args, "-smp")).toEqual(["2"]);
    expect(values(args, "-netdev")).toEqual([
      "user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp:0.0.0.0:9080-:80,hostfwd=udp:127.0.0.1:5353-:53",
    ]);
    expect(values(args, "-device")).toEqual(expect.arrayContaining(["virtio-net-pci,netdev=net0", "virtio-rng-pci"]));
  });

  it("has the serial console on stdio, no reboot, the accel, and the extra args last", () => {
    expect(args).toContain("-nographic");
    expect(args).toContain("-no-reboot");
    expect(values(args, "-accel")).toEqual(["tcg"]);
    expect(args.slice(-2)).toEqual(["-device", "virtio-balloon-pci"]);
    const kvm = qemuArgs(distFiles("/d"), config, { commandLine: "x", accel: "kvm", console: "stdio", extraArgs: ["-S"] });
    expect(values(kvm, "-accel")).toEqual(["kvm"]);
    expect(values(kvm, "-cpu")).toEqual(["host"]);
    expect(kvm).not.toContain("-nographic");
    expect(values(kvm, "-serial")).toEqual(["stdio"]);
    expect(kvm.at(-1)).toBe("-S");
  });

  it("probes KVM by booting the kernel with no root", () => {
    const probe = accelProbeArgs("/d/kernel", "/tmp/log");
    expect(values(probe, "-accel")).toEqual(["kvm"]);
    expect(values(probe, "-kernel")).toEqual(["/d/kernel"]);
    expect(probe).toContain("-no-reboot");
    expect(values(probe, "-append")[0]).toMatch(/panic=-1/);
  });
});

describe("runvmScript", () => {
  const script = runvmScript(config);

  it("is valid bash", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notos-runvm-syntax-"));
    await writeFile(join(dir, "runvm"), script);
    const r = await execa("bash", ["-n", join(dir, "runvm")], { reject: false });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("uses paths relative to its own directory, never absolute dist paths", () => {
    expect(script).toContain(`here=$(cd "$(dirname "$0")" && pwd)`);
    expect(script).toMatch(/-kernel "\$here"\/kernel \\/);
    expect(script).toMatch(/-initrd "\$here"\/initrd \\/);
    expect(script).toContain(`-drive file="$here_q"/root.squashfs,if=virtio,format=raw,readonly=on`);
    expect(script).toContain(`-drive file="$here_q"/data.img,if=virtio,format=raw`);
    expect(script).toContain(`-append "$cmdline"`);
    expect(script).toContain(`cmdline=$(cat "$here/command-line")`);
  });

  it("carries the flags, the forwards and the pass-through arguments", () => {
    for (const flag of ["-nographic", "-no-reboot", "-m 768", "-smp 2", "virtio-rng-pci", "virtio-net-pci,netdev=net0", "hostfwd=tcp:127.0.0.1:2222-:22"]) {
      expect(script).toContain(flag);
    }
    expect(script).toMatch(/"\$\{accel_args\[@\]\}"/);
    expect(script.trimEnd().endsWith(`"$@"`)).toBe(true);
  });

  it("checks the TCP forwards' ports and creates a missing sized disk", () => {
    expect(script).toContain("check_port 127.0.0.1 2222 22");
    expect(script).toContain("check_port 0.0.0.0 9080 80");
    expect(script).not.toContain("check_port 127.0.0.1 5353");
    expect(script).toContain(`[ -e "$here"/data.img ] || truncate -s 1G "$here"/data.img`);
  });

  it("lets NOTOS_ACCEL override and otherwise probes KVM under a hard timeout", () => {
    expect(script).toContain("accel=${NOTOS_ACCEL:-auto}");
    expect(script).toMatch(/timeout -s KILL "\$\{NOTOS_KVM_PROBE_TIMEOUT:-5\}"/);
    expect(runvmScript(vmConfig({ qemu: { accel: "tcg" } }))).toContain("accel=${NOTOS_ACCEL:-tcg}");
  });

  it("needs only the qemu options and the system's name and version, as a plain object", () => {
    const plain: VmConfig = {
      system: { name: "demo", version: "0.1.0" },
      qemu: {
        memory: 768,
        cpus: 2,
        accel: "auto",
        forwards: [
          { proto: "tcp", host: 2222, guest: 22, bind: "127.0.0.1" },
          { proto: "tcp", host: 9080, guest: 80, bind: "0.0.0.0" },
          { proto: "udp", host: 5353, guest: 53, bind: "127.0.0.1" },
        ],
        disks: [
          { file: "data.img", format: "raw", readonly: false, size: "1G" },
          { file: "/srv/images/ro,disk.qcow2", format: "qcow2", readonly: true },
        ],
        extraArgs: ["-device", "virtio-balloon-pci"],
      },
    };
    expect(runvmScript(plain)).toBe(script);
    expect(qemuArgs(distFiles("/d"), plain, { commandLine: "x" })).toEqual(qemuArgs(distFiles("/d"), config, { commandLine: "x" }));
    const defaults = vmConfig();
    expect(defaultVmConfig()).toEqual({ qemu: defaults.qemu, system: defaults.system });
  });
});
