import { describe, expect, test } from "vitest";
import { parseDeb822Sources, parseOneLineSources, selectSuiteSources, type SourceSettings } from "../src/sources.js";
import { DebianError } from "../src/errors.js";

const DEB822 = `Types: deb
# a comment inside the stanza, as apt allows
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://security.mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
Enabled: no
`;

const ONE_LINE = `# comment
deb [arch=amd64 signed-by=/etc/apt/keyrings/vendor.gpg] https://vendor.example/apt bookworm stable
deb http://mirror.example/debian bookworm main non-free   # trailing comment
deb-src http://mirror.example/debian bookworm main
`;

const settings: SourceSettings = {
  suites: ["bookworm", "bookworm-updates", "bookworm-security"],
  components: ["main"],
  architecture: "amd64",
  keyring: "/default.gpg",
};

describe("apt sources", () => {
  test("deb822 .sources, comments and Enabled: no", () => {
    const sources = parseDeb822Sources(DEB822);
    expect(sources).toHaveLength(2);
    expect(sources[0]).toEqual({
      types: ["deb"],
      uris: ["http://mirror.example/debian/"],
      suites: ["bookworm", "bookworm-updates"],
      components: ["main", "contrib"],
      signedBy: "/usr/share/keyrings/debian-archive-keyring.gpg",
    });
    expect(sources[1]!.types).toEqual(["deb", "deb-src"]);
  });

  test("one-line sources with options", () => {
    const sources = parseOneLineSources(ONE_LINE);
    expect(sources).toEqual([
      { types: ["deb"], uris: ["https://vendor.example/apt"], suites: ["bookworm"], components: ["stable"], signedBy: "/etc/apt/keyrings/vendor.gpg", architectures: ["amd64"] },
      { types: ["deb"], uris: ["http://mirror.example/debian"], suites: ["bookworm"], components: ["main", "non-free"] },
      { types: ["deb-src"], uris: ["http://mirror.example/debian"], suites: ["bookworm"], components: ["main"] },
    ]);
  });

  test("each suite from the source that serves it with the wanted components; other vendors are ignored", () => {
    const host = [...parseOneLineSources(ONE_LINE).slice(0, 1), ...parseDeb822Sources(DEB822)];
    expect(selectSuiteSources(host, settings)).toEqual([
      { suite: "bookworm", uri: "http://mirror.example/debian", components: ["main"], keyring: "/usr/share/keyrings/debian-archive-keyring.gpg" },
      { suite: "bookworm-updates", uri: "http://mirror.example/debian", components: ["main"], keyring: "/usr/share/keyrings/debian-archive-keyring.gpg" },
      { suite: "bookworm-security", uri: "http://security.mirror.example/debian-security", components: ["main"], keyring: "/default.gpg" },
    ]);
  });

  test("mirror overrides: main suites and security suites separately", () => {
    const host = parseDeb822Sources(DEB822);
    const chosen = selectSuiteSources(host, { ...settings, mirror: "http://other.example/debian/", securityMirror: "http://other.example/security" });
    expect(chosen.map((s) => s.uri)).toEqual(["http://other.example/debian", "http://other.example/debian", "http://other.example/security"]);
    // The host's keyring for the suite still applies.
    expect(chosen[0]!.keyring).toBe("/usr/share/keyrings/debian-archive-keyring.gpg");
  });

  test("a suite nobody serves is a clear error", () => {
    const error = (() => {
      try {
        selectSuiteSources(parseOneLineSources(ONE_LINE), { ...settings, suites: ["bookworm-security"] });
      } catch (e) {
        return e as DebianError;
      }
    })();
    expect(error).toBeInstanceOf(DebianError);
    expect(error!.message).toMatch(/no apt source serves the suite bookworm-security/);
    expect(error!.hint).toMatch(/debian\.securityMirror/);
  });

  test("a source limited to another architecture does not count", () => {
    const host = parseOneLineSources("deb [arch=arm64] http://mirror.example/debian bookworm main\n");
    expect(() => selectSuiteSources(host, { ...settings, suites: ["bookworm"] })).toThrow(/no apt source/);
  });
});
