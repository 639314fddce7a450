// etc owns its options: etcModule alone declares every path the package
// owns, with core's defaults, descriptions and messages, so a system keeps
// them once core's fallback declarations are gone. The composed schema must
// hold etc's own schema objects at those paths: a fallback would pass every
// other test here while proving nothing.
import { describe, expect, it } from "vitest";
import { ConfigError, defineModule, listOptions } from "@notos/core";
import { etcModule, etcOptions } from "../src/index.js";
import { evaluate } from "./system.js";

const OWNED = ["environment.etc", "environment.variables", "users", "groups", "networking"];

describe("etc's options", () => {
  it("are declared by etcModule, exactly the paths etc owns", () => {
    expect(Object.keys(etcModule.options ?? {}).sort()).toEqual([...OWNED].sort());
    expect(etcModule.options).toBe(etcOptions);
  });

  it("come from etcModule in a system of etcModule alone, not from a fallback", () => {
    const declared = new Map(evaluate().declarations.map((d) => [d.path, d.schema]));
    for (const path of OWNED) expect(declared.get(path), path).toBe(etcOptions[path as keyof typeof etcOptions]);
  });

  it("are listed with their descriptions", () => {
    const docs = listOptions(evaluate().schema);
    const described = (path: string) => docs.find((d) => d.path === path)?.description;
    expect(described("environment.etc")).toBe("Files under /etc, keyed by their path relative to /etc.");
    expect(described("environment.variables")).toBe("Environment variables set in /etc/profile.");
    expect(described("users")).toBe("User accounts, keyed by name.");
    expect(described("groups")).toBe("Groups, keyed by name.");
    // networking is a namespace: its options are listed, each described.
    for (const key of ["hostname", "domain", "interfaces", "nameservers", "hosts"]) expect(described(`networking.${key}`), key).toBeTruthy();
    for (const path of ["users.<name>.uid", "groups.<name>.gid", "environment.etc.<name>.text", "networking.interfaces.<name>.dhcp"]) {
      expect(described(path), path).toBeTruthy();
    }
  });

  it("keep core's defaults", () => {
    const { config } = evaluate({ users: { a: { uid: 1 } }, environment: { etc: { motd: { text: "hi\n" } } } });
    expect(config.users["a"]).toEqual({
      uid: 1,
      group: "nogroup",
      extraGroups: [],
      description: "",
      home: "/nonexistent",
      createHome: false,
      shell: "/usr/sbin/nologin",
      hashedPassword: null,
      authorizedKeys: [],
    });
    expect(config.environment.etc["motd"]).toEqual({ text: "hi\n", mode: "0644", uid: 0, gid: 0, enable: true });
    expect(config.networking).toEqual({ hostname: "notos", interfaces: {}, nameservers: [], hosts: {} });
    expect(config.groups).toEqual({});
    expect(config.environment.variables).toEqual({});
  });

  it("reject a bad value, naming the option path and the module's file", () => {
    const bad = defineModule({
      users: { a: { uid: -1, home: "home" } },
      networking: { hostname: "-x" },
      environment: { etc: { motd: { text: "a", target: "b" } } },
    });
    let error: unknown;
    try {
      evaluate({}, [bad]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(["environment.etc.motd", "networking.hostname", "users.a.home", "users.a.uid"]);
    for (const issue of issues) expect(issue.files, issue.path).toEqual([expect.stringMatching(/options\.test\.ts$/)]);
    expect(issues.find((i) => i.path === "users.a.home")?.message).toMatch(/an absolute path/);
    expect(issues.find((i) => i.path === "environment.etc.motd")?.message).toMatch(/exactly one of `text`, `source` or `target`/);
  });

  it("reject an unknown option inside them with a suggestion", () => {
    expect(() => evaluate({ networking: { hostnme: "x" } } as never)).toThrow(/networking\.hostnme: unknown option; did you mean "hostname"\?/);
  });
});
