// runit owns its options: runitModule declares every path the package owns,
// with core's defaults, descriptions and messages, so a system keeps them
// once core's fallback declarations are gone. The composed schema must hold
// runit's own schema objects at those paths (a fallback would pass every
// other test here while proving nothing), and the etc options the layer
// reads must come from etcModule, which runitModule imports.
import { describe, expect, it } from "vitest";
import { ConfigError, defineModule, listOptions } from "@notos/core";
import { etcModule, etcOptions } from "@notos/etc";
import { runitModule, runitOptions } from "../src/index.js";
import { evaluate } from "./system.js";

const OWNED = ["services", "runit", "boot.kernel.sysctl"];

describe("runit's options", () => {
  it("are declared by runitModule, exactly the paths runit owns", () => {
    expect(Object.keys(runitModule.options ?? {}).sort()).toEqual([...OWNED].sort());
    expect(runitModule.options).toBe(runitOptions);
    expect(runitModule.imports).toEqual([etcModule]);
  });

  it("come from runitModule in a system of runitModule alone, and etc's from etcModule, not from a fallback", () => {
    const declared = new Map(evaluate().declarations.map((d) => [d.path, d.schema]));
    for (const path of OWNED) expect(declared.get(path), path).toBe(runitOptions[path as keyof typeof runitOptions]);
    for (const path of ["users", "groups", "networking"] as const) expect(declared.get(path), path).toBe(etcOptions[path]);
  });

  it("are listed with their descriptions", () => {
    const docs = listOptions(evaluate().schema);
    const described = (path: string) => docs.find((d) => d.path === path)?.description;
    expect(described("services")).toBe("runit services, keyed by name.");
    expect(described("boot.kernel.sysctl")).toBe("sysctl settings applied by runit stage 1.");
    // runit is a namespace: its options are listed, each described.
    expect(described("runit.stage1Tasks")).toBe("One-shot shell tasks run by runit stage 1, in the order of their names.");
    expect(described("runit.directories")).toBe("Directories created at every boot by runit stage 1 (e.g. /run/sshd).");
    expect(described("runit.shutdownTimeout")).toBe("Seconds stage 3 waits for services to stop.");
    for (const key of ["enable", "run", "finish", "log", "env", "user", "after"]) expect(described(`services.<name>.${key}`), key).toBeTruthy();
  });

  it("keep core's defaults", () => {
    const { config } = evaluate({ services: { web: { run: "exec web" } }, runit: { directories: { "/run/web": {} } } });
    expect(config.services["web"]).toEqual({ enable: true, run: "exec web", log: false, env: {}, after: [], shell: "sh" });
    expect(config.runit).toEqual({ stage1Tasks: {}, directories: { "/run/web": { mode: "0755", user: "root", group: "root" } }, shutdownTimeout: 7 });
    expect(config.boot.kernel.sysctl).toEqual({});
  });

  it("reject a bad value, naming the option path and the module's file", () => {
    const bad = defineModule({
      services: { web: { run: "exec web", log: "yes" as unknown as boolean } },
      runit: { shutdownTimeout: 0, directories: { "run/x": {} } },
      boot: { kernel: { sysctl: { "kernel.panic": true as unknown as number } } },
    });
    let error: unknown;
    try {
      evaluate({}, [bad]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['boot.kernel.sysctl."kernel.panic"', 'runit.directories."run/x"', "runit.shutdownTimeout", "services.web.log"]);
    for (const issue of issues) expect(issue.files, issue.path).toEqual([expect.stringMatching(/options\.test\.ts$/)]);
    expect(issues.find((i) => i.path === "runit.shutdownTimeout")?.message).toMatch(/expected a number >= 1, got number 0/);
  });

  it("reject an unknown option inside them with a suggestion", () => {
    expect(() => evaluate({ runit: { shutdownTimout: 3 } } as never)).toThrow(/runit\.shutdownTimout: unknown option; did you mean "shutdownTimeout"\?/);
  });
});
