import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, NotosError, displayFile, formatError, formatIssue } from "../src/errors.js";

afterEach(() => vi.unstubAllEnvs());

describe("errors", () => {
  it("NotosError carries a hint and a code", () => {
    const e = new NotosError("no kernel", { hint: "add boot.kernel.package", code: "KERNEL_MISSING" });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ message: "no kernel", hint: "add boot.kernel.package", code: "KERNEL_MISSING" });
    expect(new NotosError("x").code).toBe("NOTOS_ERROR");
  });

  it("ConfigError lists every issue with files relative to the working directory", () => {
    const e = new ConfigError([
      { path: "a.b", message: "expected string, got number 1", files: [`${process.cwd()}/m/x.ts`] },
      { path: "c", message: "unknown option", files: [] },
    ]);
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.message).toBe("The configuration has 2 errors:\n  a.b: expected string, got number 1 (set in ./m/x.ts)\n  c: unknown option");
    expect(e.hint).toContain("notos options");
    expect(formatIssue({ path: "p", message: "m", files: ["module openssh()"] })).toBe("p: m (set in module openssh())");
  });

  it("displayFile makes absolute paths relative", () => {
    expect(displayFile("/r/a/b.ts", "/r")).toBe("./a/b.ts");
    expect(displayFile("/r/b.ts", "/r/a")).toBe("../b.ts");
    expect(displayFile("a label", "/r")).toBe("a label");
  });

  it("formatError prints message and hint, and the stack only with NOTOS_LOG=debug", () => {
    vi.stubEnv("NOTOS_LOG", "");
    const e = new NotosError("the store is read-only", { hint: "set NOTOS_STORE to a writable directory" });
    expect(formatError(e)).toBe("error: the store is read-only\nhint: set NOTOS_STORE to a writable directory");
    expect(formatError(new Error("boom"))).toMatch(/^error: boom\nhint: .*NOTOS_LOG=debug/);
    expect(formatError("text")).toBe("error: text");
    vi.stubEnv("NOTOS_LOG", "debug");
    const debug = formatError(new NotosError("outer", { cause: new Error("inner") }));
    expect(debug).toMatch(/^error: outer\n/);
    expect(debug).toMatch(/\n\s+at /);
    expect(debug).toContain("caused by: Error: inner");
  });
});
