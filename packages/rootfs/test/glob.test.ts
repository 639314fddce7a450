import { describe, expect, it } from "vitest";
import { compileGlob, pathFilter } from "../src/glob.js";

describe("glob", () => {
  const match = (pattern: string, path: string): boolean => compileGlob(pattern).test(path);

  it("* stays within one path segment, ** crosses segments", () => {
    expect(match("/usr/share/doc/*/copyright", "/usr/share/doc/bash/copyright")).toBe(true);
    expect(match("/usr/share/doc/*/copyright", "/usr/share/doc/bash/sub/copyright")).toBe(false);
    expect(match("/usr/share/doc/**", "/usr/share/doc/bash/sub/copyright")).toBe(true);
    expect(match("/usr/share/doc/**", "/usr/share/doc")).toBe(false);
    expect(match("/usr/**/*.gz", "/usr/share/man/man1/ls.1.gz")).toBe(true);
    expect(match("/usr/**/ls", "/usr/ls")).toBe(true);
  });

  it("? is one character, other characters are literal", () => {
    expect(match("/etc/rc?.d", "/etc/rc1.d")).toBe(true);
    expect(match("/etc/rc?.d", "/etc/rc/.d")).toBe(false);
    expect(match("/a.b", "/aXb")).toBe(false);
    expect(match("/a+(b)", "/a+(b)")).toBe(true);
  });

  it("the default filter drops docs, man pages and locales but keeps copyright files", () => {
    const keep = pathFilter({
      exclude: ["/usr/share/doc/**", "/usr/share/man/**", "/usr/share/info/**", "/usr/share/locale/**", "/usr/share/lintian/**"],
      include: ["/usr/share/doc/*/copyright"],
    });
    expect(keep("/usr/share/doc/bash/copyright")).toBe(true);
    expect(keep("/usr/share/doc/bash/changelog.Debian.gz")).toBe(false);
    expect(keep("/usr/share/doc/bash")).toBe(false);
    expect(keep("/usr/share/man/man1/bash.1.gz")).toBe(false);
    expect(keep("/usr/share/locale/de/LC_MESSAGES/bash.mo")).toBe(false);
    expect(keep("/usr/bin/bash")).toBe(true);
    expect(keep("/usr/share/doc")).toBe(true);
  });
});
