// DEP-5 License fields → SPDX: Debian's short names map to SPDX ids, "or" and
// "and" become expressions, unknown names become LicenseRefs with the text
// the file gives for them, and a file that is not machine-readable asserts
// nothing. Every expression made must parse as SPDX.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { licenseRefId, packageLicense, spdxId } from "../src/public/formats.js";
import { dpkgStatus, statusParagraph } from "../src/index.js";

const parse = createRequire(import.meta.url)("spdx-expression-parse") as (e: string) => unknown;

const dep5 = (body: string) => `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: x\n\n${body}`;

describe("spdxId", () => {
  it.each([
    ["GPL-2", "GPL-2.0-only"],
    ["GPL-2+", "GPL-2.0-or-later"],
    ["LGPL-2.1+", "LGPL-2.1-or-later"],
    ["LGPL-2", "LGPL-2.0-only"],
    ["GPL-3+", "GPL-3.0-or-later"],
    ["AGPL-3", "AGPL-3.0-only"],
    ["GFDL-1.3+", "GFDL-1.3-or-later"],
    ["Expat", "MIT"],
    ["BSD-3-clause", "BSD-3-Clause"],
    ["Artistic", "Artistic-1.0-Perl"],
    ["zlib", "Zlib"],
    ["Apache-2.0", "Apache-2.0"],
    ["ISC", "ISC"],
  ])("%s → %s", (name, id) => expect(spdxId(name)).toBe(id));

  it("has no id for names SPDX does not list", () => {
    expect(spdxId("public-domain")).toBeUndefined();
    expect(spdxId("GPL-3 with Bison exception")).toBeUndefined();
    expect(licenseRefId("GPL-3 with Bison exception")).toBe("LicenseRef-GPL-3-with-Bison-exception");
  });
});

describe("packageLicense", () => {
  it("joins the Files paragraphs' licenses, keeps or-choices, and carries LicenseRef texts", () => {
    const text = dep5(
      [
        "Files: *\nCopyright: 2020 A\nLicense: GPL-2+ or Artistic",
        "Files: lib/*\nCopyright: 2020 B\nLicense: Expat",
        "Files: doc/*\nCopyright: 2020 C\nLicense: public-domain\n The author gave it away.\n .\n Entirely.",
        "License: Artistic\n The Perl Artistic License text.",
      ].join("\n\n"),
    );
    const l = packageLicense(text);
    expect(l.machineReadable).toBe(true);
    expect(l.names).toEqual(["Expat", "GPL-2+ or Artistic", "public-domain"]);
    expect(l.expression).toBe("(GPL-2.0-or-later OR Artistic-1.0-Perl) AND LicenseRef-public-domain AND MIT");
    expect(l.refs).toEqual([{ id: "LicenseRef-public-domain", name: "public-domain", text: "The author gave it away.\n\nEntirely." }]);
    expect(() => parse(l.expression)).not.toThrow();
  });

  it("reads a file with comment lines and an unindented line in a license text", () => {
    const l = packageLicense(dep5("# a comment\nFiles: *\nCopyright: 2021 D\nLicense: BSD-3-clause\n Redistribution and use\nin source and binary forms"));
    expect(l.expression).toBe("BSD-3-Clause");
  });

  it("asserts nothing for a copyright file that is not machine-readable, or none", () => {
    expect(packageLicense("This is the Debian prepackaged version of glibc.\n\nCopyright (C) 1991 FSF\n").expression).toBe("NOASSERTION");
    expect(packageLicense(undefined)).toMatchObject({ expression: "NOASSERTION", machineReadable: false });
  });
});

describe("the dpkg status file", () => {
  it("gives dpkg's fields in dpkg's order with the installed status, multi-line fields indented", () => {
    const p = statusParagraph({ Package: "hello", Version: "2.10-3", Architecture: "amd64", Maintainer: "M <m@example.org>", "Installed-Size": "280", Depends: "libc6 (>= 2.34)", Description: "example package\nIt greets.\n\nTwice.", Homepage: "https://example.org/hello", Tag: "dropped" });
    expect(p).toBe(
      "Package: hello\nStatus: install ok installed\nInstalled-Size: 280\nMaintainer: M <m@example.org>\nArchitecture: amd64\nVersion: 2.10-3\nDepends: libc6 (>= 2.34)\nDescription: example package\n It greets.\n .\n Twice.\nHomepage: https://example.org/hello",
    );
    expect(dpkgStatus([{ Package: "b", Version: "1" }, { Package: "a", Version: "2" }])).toBe("Package: a\nStatus: install ok installed\nVersion: 2\n\nPackage: b\nStatus: install ok installed\nVersion: 1\n\n");
  });
});
