// @notos/debian declares the `debian` options itself: a system that imports
// debianModule gets exactly them, from this package, with their
// descriptions, and a bad value is reported at its path with the file that
// set it. (Core's fallback copy must never be what these tests see.)
import { describe, expect, it } from "vitest";
import { ConfigError, evalSystem, listOptions, type Module } from "@notos/core";
import { debianModule, debianOptions } from "../src/index.js";

describe("debianModule", () => {
  it("declares exactly the debian options, and adds no builder", () => {
    expect(Object.keys(debianModule.options ?? {})).toEqual(["debian"]);
    expect(debianModule.options).toBe(debianOptions);
    expect(debianModule.builders ?? []).toEqual([]);
    const { schema } = evalSystem({ imports: [debianModule] });
    expect((schema as unknown as { shape: Record<string, unknown> }).shape.debian).toBe(debianOptions.debian);
  });

  it("lists every debian option with a description", () => {
    const options = listOptions(evalSystem({ imports: [debianModule] }).schema).filter((o) => o.path.startsWith("debian."));
    expect(options.map((o) => o.path)).toEqual(["debian.suites", "debian.components", "debian.architecture", "debian.mirror", "debian.securityMirror", "debian.keyring"]);
    for (const o of options) expect(o.description, o.path).toMatch(/\w/);
  });

  it("fills in the defaults", () => {
    expect(evalSystem({ imports: [debianModule] }).config.debian).toEqual({
      suites: ["bookworm", "bookworm-updates", "bookworm-security"],
      components: ["main"],
      architecture: "amd64",
      keyring: "/usr/share/keyrings/debian-archive-keyring.gpg",
    });
  });

  it("reports a bad value at its path, naming the file that set it", () => {
    const run = () => evalSystem({ imports: [debianModule], file: "/sys/notos.config.ts", debian: { architecture: 64, mirror: "not a url" } } as unknown as Module);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/debian\.architecture: expected string, got number 64 \(set in .*\/sys\/notos\.config\.ts\)/);
    expect(run).toThrow(/debian\.mirror: expected a valid url, got string "not a url"/);
  });
});
