// The qemu package owns the `qemu` options: runvmModule alone declares them,
// with core's defaults, descriptions and messages, so a system keeps them
// once core's fallback declarations are gone. The composed schema must hold
// this package's own schema object at `qemu`: a fallback would pass every
// other test here while proving nothing.
import { describe, expect, it } from "vitest";
import { ConfigError, defineModule, listOptions } from "@notos/core";
import { defaultVmConfig, qemuOptions, runvmModule } from "../src/index.js";
import { qemuSchema } from "../src/options.js";
import { evaluate } from "./helpers/system.js";

describe("the qemu options", () => {
  it("are declared by runvmModule, exactly `qemu`", () => {
    expect(Object.keys(runvmModule.options ?? {})).toEqual(["qemu"]);
    expect(runvmModule.options).toBe(qemuOptions);
  });

  it("come from runvmModule in a system of runvmModule alone, not from a fallback", () => {
    expect(new Map(evaluate().declarations.map((d) => [d.path, d.schema])).get("qemu")).toBe(qemuSchema);
  });

  it("are listed with their descriptions", () => {
    const docs = listOptions(evaluate().schema);
    const described = (path: string) => docs.find((d) => d.path === path)?.description;
    expect(described("qemu.memory")).toBe("Guest memory in MiB.");
    expect(described("qemu.cpus")).toBe("Guest CPUs.");
    expect(described("qemu.accel")).toBe("Acceleration; `auto` uses KVM only when a probe shows it works (NOTOS_ACCEL overrides).");
    expect(described("qemu.forwards")).toBe("Host → guest port forwards of the user-mode network.");
    expect(described("qemu.disks")).toBe("Extra virtio disks after the root disk.");
    expect(described("qemu.extraArgs")).toBe("Extra qemu-system-x86_64 arguments.");
    expect(described("qemu.forwards.*.host")).toBe("Port on the host.");
    expect(described("qemu.forwards.*.guest")).toBe("Port in the guest.");
    expect(described("qemu.disks.*.file")).toBe("Disk image file on the host (relative to the dist directory).");
    // Nothing of qemu's is listed that the package does not declare.
    const listed = docs.filter((d) => d.path.startsWith("qemu.") && !d.path.includes(".*.")).map((d) => d.path);
    expect(listed.sort()).toEqual(["qemu.accel", "qemu.cpus", "qemu.disks", "qemu.extraArgs", "qemu.forwards", "qemu.memory"]);
  });

  it("keep core's defaults, and defaultVmConfig() is what a system evaluates to", () => {
    const { config } = evaluate({ qemu: { forwards: [{ host: 2222, guest: 22 }], disks: [{ file: "data.img" }] } });
    expect(config.qemu).toEqual({
      memory: 512,
      cpus: 1,
      accel: "auto",
      forwards: [{ proto: "tcp", host: 2222, guest: 22, bind: "127.0.0.1" }],
      disks: [{ file: "data.img", format: "raw", readonly: false }],
      extraArgs: [],
    });
    const defaults = evaluate().config;
    expect(defaultVmConfig()).toEqual({ qemu: defaults.qemu, system: defaults.system });
  });

  it("reject a bad value, naming the option path and the module's file", () => {
    const bad = defineModule({
      qemu: { memory: 32, cpus: 0, accel: "hvf", forwards: [{ host: 70000, guest: 22 }], disks: [{ file: "d.img", format: "vmdk" }] },
    } as never);
    let error: unknown;
    try {
      evaluate({}, [bad]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(["qemu.accel", "qemu.cpus", "qemu.disks[0].format", "qemu.forwards[0].host", "qemu.memory"]);
    for (const issue of issues) expect(issue.files, issue.path).toEqual([expect.stringMatching(/options\.test\.ts$/)]);
    expect(issues.find((i) => i.path === "qemu.memory")?.message).toMatch(/64/);
    expect((error as Error).message).toMatch(/qemu\.memory: .*options\.test\.ts/);
  });

  it("reject an unknown option inside them with a suggestion", () => {
    expect(() => evaluate({ qemu: { memroy: 256 } } as never)).toThrow(/qemu\.memroy: unknown option; did you mean "memory"\?/);
  });
});
