import { describe, expect, test } from "vitest";
import { NotosError } from "@notos/core";
import { field, parseDeb822 } from "../src/deb822.js";
import { parsePackages } from "../src/records.js";
import { parseRelations, formatGroup } from "../src/relations.js";

const PACKAGES = `Package: bash
Version: 5.2.15-2+b7
Architecture: amd64
Essential: yes
Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
Recommends: bash-completion (>= 20060301-0)
Description: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter.
 .
 Second paragraph.
Filename: pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb
Size: 1491004
SHA256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
Priority: required

Package: mawk
Version: 1.3.4.20200120-3.1
Architecture: amd64
Provides: awk
Filename: pool/main/m/mawk/mawk_1.3.4.20200120-3.1_amd64.deb
Size: 120000
SHA256: fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210

Package: broken-without-filename
Version: 1
`;

describe("deb822", () => {
  test("paragraphs, continuation lines and the '.' empty line", () => {
    const [bash, mawk, broken] = parseDeb822(PACKAGES);
    expect(bash!.Package).toBe("bash");
    expect(bash!.Description).toBe("GNU Bourne Again SHell\nBash is an sh-compatible command language interpreter.\n\nSecond paragraph.");
    expect(mawk!.Provides).toBe("awk");
    expect(broken).toEqual({ Package: "broken-without-filename", Version: "1" });
  });

  test("field lookup is case-insensitive", () => {
    const [p] = parseDeb822("Signed-By: /k.gpg\n");
    expect(field(p!, "signed-by")).toBe("/k.gpg");
    expect(field(p!, "missing")).toBeUndefined();
  });

  test("CRLF, several blank lines and comments (only when asked)", () => {
    expect(parseDeb822("A: 1\r\n\r\n\r\nB: 2\r\n")).toEqual([{ A: "1" }, { B: "2" }]);
    expect(parseDeb822("# c\nA: 1\n", { comments: true })).toEqual([{ A: "1" }]);
    expect(() => parseDeb822("# c\nA: 1\n")).toThrow(/Field: value/);
    expect(() => parseDeb822(" orphan continuation\n")).toThrow(/continuation/);
    expect(() => parseDeb822(" orphan continuation\n")).toThrow(expect.objectContaining({ code: "DEB822_SYNTAX" }));
  });

  test("Packages records keep what the resolver and the downloader need, and skip incomplete stanzas", () => {
    const records = parsePackages(PACKAGES, "bookworm");
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual({
      package: "bash",
      version: "5.2.15-2+b7",
      architecture: "amd64",
      filename: "pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb",
      size: 1491004,
      sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      suite: "bookworm",
      depends: "base-files (>= 2.1.12), debianutils (>= 5.6-0.1)",
      preDepends: "libc6 (>= 2.36), libtinfo6 (>= 6)",
      recommends: "bash-completion (>= 20060301-0)",
      priority: "required",
      essential: true,
    });
    expect(records[1]!.provides).toBe("awk");
  });
});

describe("relations", () => {
  test("alternatives, versions, arch qualifiers, obsolete operators, build profiles", () => {
    const groups = parseRelations("libc6 (>= 2.34), usrmerge | usr-is-merged, python3:any (>= 3.9~), perl:native, foo (< 2), bar [amd64] <!nocheck>");
    expect(groups).toEqual([
      [{ name: "libc6", version: { op: ">=", version: "2.34" } }],
      [{ name: "usrmerge" }, { name: "usr-is-merged" }],
      [{ name: "python3", archQualifier: "any", version: { op: ">=", version: "3.9~" } }],
      [{ name: "perl", archQualifier: "native" }],
      [{ name: "foo", version: { op: "<=", version: "2" } }],
      [{ name: "bar" }],
    ]);
    expect(formatGroup(groups[1]!)).toBe("usrmerge | usr-is-merged");
    expect(parseRelations("  ")).toEqual([]);
    expect(() => parseRelations("bad name!")).toThrow(/cannot parse/);
    // A root in environment.packages is parsed as a relation: a typo there is the user's to fix, not a crash.
    expect(() => parseRelations("bash (>= ")).toThrow(expect.objectContaining({ code: "DEBIAN_RELATION", hint: expect.stringMatching(/name \(op version\)/) }));
    expect(() => parseRelations("bad name!")).toThrow(NotosError);
  });
});
