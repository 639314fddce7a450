import { describe, expect, it } from "vitest";
import { mergeDefinitions } from "../src/merge.js";
import { mkDefault, mkForce, mkOverride } from "../src/module.js";

const merge = (...defs: Array<[string, unknown]>) => mergeDefinitions(defs.map(([file, value]) => ({ file, value })));

describe("mergeDefinitions", () => {
  it("concatenates lists in module order and records which file gave each item", () => {
    const r = merge(["/a.ts", { environment: { packages: ["bash"] } }], ["/b.ts", { environment: { packages: ["curl", "vim"] } }]);
    expect(r.value).toEqual({ environment: { packages: ["bash", "curl", "vim"] } });
    expect(r.definitions.get("environment.packages")).toEqual(["/a.ts", "/b.ts"]);
    expect(r.definitions.get("environment.packages[0]")).toEqual(["/a.ts"]);
    expect(r.definitions.get("environment.packages[2]")).toEqual(["/b.ts"]);
  });

  it("merges records key by key, recursively", () => {
    const r = merge(
      ["/a.ts", { services: { sshd: { run: "exec sshd -D" } } }],
      ["/b.ts", { services: { sshd: { log: true }, nginx: { run: "exec nginx" } } }],
    );
    expect(r.value).toEqual({ services: { sshd: { run: "exec sshd -D", log: true }, nginx: { run: "exec nginx" } } });
    expect(r.definitions.get("services.sshd")).toEqual(["/a.ts", "/b.ts"]);
    expect(r.definitions.get("services.sshd.run")).toEqual(["/a.ts"]);
  });

  it("accepts equal scalars and reports different ones naming path and both files", () => {
    expect(merge(["/a.ts", { networking: { hostname: "x" } }], ["/b.ts", { networking: { hostname: "x" } }]).conflicts).toEqual([]);
    const r = merge(["/a.ts", { networking: { hostname: "x" } }], ["/b.ts", { networking: { hostname: "y" } }]);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ path: "networking.hostname", files: ["/a.ts", "/b.ts"] });
    expect(r.conflicts[0]!.message).toContain('"x" and "y"');
    expect(r.value).toEqual({ networking: {} });
  });

  it("treats a list against a scalar as a conflict", () => {
    expect(merge(["/a.ts", { x: [1] }], ["/b.ts", { x: 1 }]).conflicts).toHaveLength(1);
  });

  it("lets the lower priority number win: mkForce 50 < plain 100 < mkDefault 1000", () => {
    const a = merge(["/a.ts", { qemu: { memory: mkDefault(256) } }], ["/b.ts", { qemu: { memory: 1024 } }]);
    expect(a.value).toEqual({ qemu: { memory: 1024 } });
    expect(a.definitions.get("qemu.memory")).toEqual(["/b.ts"]);
    const b = merge(["/a.ts", { qemu: { memory: mkForce(2048) } }], ["/b.ts", { qemu: { memory: 1024 } }], ["/c.ts", { qemu: { memory: mkDefault(1) } }]);
    expect(b.value).toEqual({ qemu: { memory: 2048 } });
    const c = merge(["/a.ts", { qemu: { memory: mkOverride(10, 1) } }], ["/b.ts", { qemu: { memory: mkForce(2) } }]);
    expect(c.value).toEqual({ qemu: { memory: 1 } });
  });

  it("applies a marker to the whole value it wraps", () => {
    const r = merge(
      ["/a.ts", { environment: { packages: mkDefault(["nano"]) } }],
      ["/b.ts", { environment: { packages: ["vim"] } }],
      ["/c.ts", { environment: { packages: ["less"] } }],
    );
    expect(r.value).toEqual({ environment: { packages: ["vim", "less"] } });
    const f = merge(["/a.ts", { users: { root: { uid: 0 } } }], ["/b.ts", { users: mkForce({ admin: { uid: 1000 } }) }]);
    expect(f.value).toEqual({ users: { admin: { uid: 1000 } } });
  });

  it("still conflicts between two different values at the same non-plain priority", () => {
    const r = merge(["/a.ts", { qemu: { cpus: mkDefault(1) } }], ["/b.ts", { qemu: { cpus: mkDefault(2) } }]);
    expect(r.conflicts[0]?.message).toContain("priority 1000");
  });

  it("strips markers inside list items", () => {
    expect(merge(["/a.ts", { l: [mkForce("a")] }]).value).toEqual({ l: ["a"] });
  });
});
