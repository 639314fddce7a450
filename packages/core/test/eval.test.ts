import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors.js";
import { collectModules } from "../src/eval.js";
import { evalSystem } from "./with-standard.js";
import { defineModule, defineSystem, mkDefault, mkForce, type Module } from "../src/module.js";

const here = resolve("test/eval.test.ts");

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("collectModules", () => {
  it("puts imports before their importer, depth first, in a stable order, each module once", () => {
    const shared = { name: "shared" };
    const a = { name: "a", imports: [shared] };
    const b = { name: "b", imports: [shared, a] };
    const root = { name: "root", imports: [a, b] };
    expect(collectModules(root).map((m) => m.definition.name)).toEqual(["shared", "a", "b", "root"]);
  });

  it("calls a function module once however often it is imported", () => {
    let calls = 0;
    const fn = () => {
      calls++;
      return { name: "fn" };
    };
    expect(collectModules({ imports: [fn, { imports: [fn] }] }).filter((m) => m.definition.name === "fn")).toHaveLength(1);
    expect(calls).toBe(1);
  });

  it("survives import cycles", () => {
    const a: { name: string; imports: Module[] } = { name: "a", imports: [] };
    const b = { name: "b", imports: [a] };
    a.imports.push(b);
    expect(collectModules(a).map((m) => m.definition.name)).toEqual(["b", "a"]);
  });

  it("rejects things that are not modules, saying where they were imported", () => {
    expect(() => collectModules({ file: "/x/root.ts", imports: [42 as unknown as Module] })).toThrow(/imports\[0\] of .*root\.ts is not a module.*got number 42/);
    const factory = (opts: { keys: string[] }) => ({ users: { root: { uid: 0, authorizedKeys: opts.keys } } });
    expect(() => collectModules({ imports: [factory as unknown as Module] })).toThrow(/takes arguments/);
  });
});

describe("evalSystem", () => {
  it("fills every default", () => {
    const { config } = evalSystem({});
    expect(config.system).toEqual({ name: "notos", version: "0.1.0" });
    expect(config.boot.initrd.rootDevice).toBe("/dev/vda");
    expect(config.boot.initrd.overlay.tmpfsSize).toBe("50%");
    expect(config.qemu).toMatchObject({ memory: 512, cpus: 1, accel: "auto", forwards: [] });
    expect(config.rootfs.include).toEqual(["/usr/share/doc/*/copyright"]);
    expect(config.debian.suites).toContain("bookworm");
  });

  it("fills defaults inside records and lists", () => {
    const { config } = evalSystem({
      services: { sshd: { run: "exec sshd -D" } },
      qemu: { forwards: [{ host: 2222, guest: 22 }] },
      environment: { etc: { motd: { text: "hi\n" } } },
    });
    expect(config.services.sshd).toEqual({ enable: true, run: "exec sshd -D", log: false, env: {}, after: [] });
    expect(config.qemu.forwards).toEqual([{ proto: "tcp", host: 2222, guest: 22, bind: "127.0.0.1" }]);
    expect(config.environment.etc.motd).toMatchObject({ text: "hi\n", mode: "0644", uid: 0, gid: 0, enable: true });
  });

  it("merges the imports of the root in order and records the files per option", () => {
    const base = { file: "/m/base.ts", environment: { packages: ["bash"] }, qemu: { memory: mkDefault(256) } };
    const web = { file: "/m/web.ts", imports: [base], environment: { packages: ["nginx"] } };
    const { config, definitions } = evalSystem({ imports: [base, web], environment: { packages: ["curl"] }, qemu: { memory: 1024 } }, { file: "/m/notos.config.ts" });
    expect(config.environment.packages).toEqual(["bash", "nginx", "curl"]);
    expect(config.qemu.memory).toBe(1024);
    expect(definitions.get("environment.packages")).toEqual(["/m/base.ts", "/m/web.ts", "/m/notos.config.ts"]);
    expect(definitions.get("qemu.memory")).toEqual(["/m/notos.config.ts"]);
  });

  it("reports a conflict with the option path and both files, relative to the working directory", () => {
    const e = configError(() =>
      evalSystem({ imports: [{ file: resolve("modules/a.ts"), networking: { hostname: "a" } }, { file: resolve("modules/b.ts"), networking: { hostname: "b" } }] }),
    );
    expect(e.issues).toHaveLength(1);
    expect(e.message).toContain('networking.hostname: conflicting values "a" and "b"');
    expect(e.message).toContain("(set in ./modules/a.ts, ./modules/b.ts)");
    const forced = evalSystem({ imports: [{ networking: { hostname: "a" } }, { networking: { hostname: mkForce("b") } }] });
    expect(forced.config.networking.hostname).toBe("b");
  });

  it("says what was expected, what was given and where it was set", () => {
    const web = { file: resolve("modules/web.ts"), services: { nginx: { run: 8080 } } } as unknown as Module;
    const e = configError(() => evalSystem({ imports: [web] }));
    expect(e.issues).toEqual([{ path: "services.nginx.run", message: "expected string, got number 8080", files: [resolve("modules/web.ts")] }]);
    expect(e.message).toContain("services.nginx.run: expected string, got number 8080 (set in ./modules/web.ts)");
  });

  it("suggests the closest known option for a misspelt one", () => {
    const e = configError(() => evalSystem({ file: here, sevices: {}, networking: { hostnmae: "x" } } as unknown as Module));
    expect(e.issues.map((i) => i.path).sort()).toEqual(["networking.hostnmae", "sevices"]);
    expect(e.message).toContain('sevices: unknown option; did you mean "services"? (set in ./test/eval.test.ts)');
    expect(e.message).toContain('networking.hostnmae: unknown option; did you mean "hostname"?');
    const far = configError(() => evalSystem({ qemu: { zzzzzzzzzz: 1 } } as unknown as Module));
    expect(far.message).not.toContain("did you mean");
    expect(far.message).toContain("known options here: memory, cpus");
  });

  it("reports every problem at once, naming required options, enums, bounds and formats", () => {
    const e = configError(() =>
      evalSystem({
        file: here,
        services: { broken: { log: true } },
        boot: { initrd: { compression: "lz4", rootWaitSeconds: 0 } },
        users: { bob: { uid: 1000, shell: "bash" } },
        environment: { etc: { motd: { text: "a", source: "/b" }, bad: { text: "x", mode: "rw" } } },
        services2: 1,
      } as unknown as Module),
    );
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i.message]));
    expect(byPath["services.broken.run"]).toBe("expected string, but it is not set (the option is required)");
    expect(byPath["boot.initrd.compression"]).toBe('expected one of "gzip", "zstd", "xz", "none", got string "lz4"');
    expect(byPath["boot.initrd.rootWaitSeconds"]).toBe("expected a number >= 1, got number 0");
    expect(byPath["users.bob.shell"]).toBe('expected an absolute path, got string "bash"');
    expect(byPath["environment.etc.motd"]).toContain("exactly one of `text`, `source` or `target`");
    expect(byPath['environment.etc.bad.mode']).toBe('expected an octal permission such as "0644", got string "rw"');
    expect(byPath["services2"]).toContain('did you mean "services"');
    expect(e.issues.every((i) => i.files.includes(here))).toBe(true);
  });

  it("explains a union by the branch that matched the shape", () => {
    const e = configError(() => evalSystem({ services: { s: { run: "x", log: { run: 3 } } } } as unknown as Module));
    expect(e.issues[0]).toMatchObject({ path: "services.s.log.run", message: "expected string, got number 3" });
    const f = configError(() => evalSystem({ services: { s: { run: "x", log: 3 } } } as unknown as Module));
    expect(f.issues[0]).toMatchObject({ path: "services.s.log", message: "expected boolean or object, got number 3" });
  });

  it("resolves relative etc sources against the file of the module that set them", () => {
    const mod = { file: "/cfg/modules/ssh.ts", environment: { etc: { "ssh/sshd_config": mkForce({ source: "../files/sshd_config" }) } } };
    const { config } = evalSystem({ imports: [mod], environment: { etc: { motd: { source: "motd.txt" }, abs: { source: "/etc/hostname" } } } }, { file: "/cfg/notos.config.ts" });
    expect(config.environment.etc["ssh/sshd_config"]!.source).toBe("/cfg/files/sshd_config");
    expect(config.environment.etc.motd!.source).toBe("/cfg/motd.txt");
    expect(config.environment.etc.abs!.source).toBe("/etc/hostname");
  });

  it("refuses a relative etc source from a module whose file is unknown", () => {
    const e = configError(() => evalSystem({ imports: [{ environment: { etc: { motd: { source: "motd.txt" } } } }] }, { file: resolve("cfg/notos.config.ts") }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ path: "environment.etc.motd.source", files: ["a module imported by ./cfg/notos.config.ts"] });
    expect(e.issues[0]!.message).toContain("defineModule");
  });

  it("quotes option names that are not identifiers", () => {
    const e = configError(() => evalSystem({ environment: { etc: { "nginx/nginx.conf": { text: "x", uid: -1 } } } }));
    expect(e.issues[0]!.path).toBe('environment.etc."nginx/nginx.conf".uid');
  });
});

describe("defineModule / defineSystem", () => {
  it("fill in the caller's file, and keep one that is given", () => {
    expect(defineModule({ environment: { packages: ["x"] } }).file).toBe(here);
    expect(defineSystem({}).file).toBe(here);
    expect(defineModule({ file: "/elsewhere.ts" }).file).toBe("/elsewhere.ts");
  });

  it("wrap a module function so its result carries the file", () => {
    const fn = defineModule(function webServer() {
      return { services: { nginx: { run: "exec nginx" } } };
    });
    expect(fn.name).toBe("webServer");
    expect(fn().file).toBe(here);
  });
});
