// readDebInfo and the copyrights builders recorded: a recorded copyright is
// taken instead of the package's own file (so the package is not read for
// it), a recorded null sends the search on to the next package of the
// source, and a package nobody recorded is read as before. The packages are
// real, built by dpkg-deb; what they say and what was recorded differ, so
// the result shows which one was used.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FetchedDeb } from "@notos/core";
import { readDebInfo } from "../src/public/formats.js";

const work = mkdtempSync(join(tmpdir(), "notos-sbom-debs-test-"));
const dep5 = (license: string) => `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: nobody\nLicense: ${license}\n`;

/** A package of source "demo"; a metapackage has its doc directory as a link to the image's, as Debian's kernel metapackages do. */
function buildDeb(name: string, doc: { license: string } | { linkTo: string }, padding = 0): FetchedDeb {
  const root = join(work, name);
  mkdirSync(join(root, "DEBIAN"), { recursive: true });
  writeFileSync(join(root, "DEBIAN", "control"), `Package: ${name}\nSource: demo (2.0-1)\nVersion: 2.0-1\nArchitecture: all\nMaintainer: Nobody <nobody@mirror.example>\nDescription: a test package\n`);
  mkdirSync(join(root, "usr", "share", "doc"), { recursive: true });
  // Bytes xz cannot shrink, so the image is the larger .deb and is asked second.
  if (padding) writeFileSync(join(root, "usr", "share", "padding"), randomBytes(padding));
  if ("linkTo" in doc) symlinkSync(doc.linkTo, join(root, "usr", "share", "doc", name));
  else {
    mkdirSync(join(root, "usr", "share", "doc", name));
    writeFileSync(join(root, "usr", "share", "doc", name, "copyright"), dep5(doc.license));
  }
  const file = join(work, `${name}.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", root, file], { stdio: "pipe" });
  return { name, version: "2.0-1", sha256: createHash("sha256").update(readFileSync(file)).digest("hex"), file };
}

let image: FetchedDeb;
let meta: FetchedDeb;

beforeAll(() => {
  image = buildDeb("demo-image", { license: "GPL-2" }, 64 * 1024);
  meta = buildDeb("demo-meta", { linkTo: "demo-image" });
  expect(statSync(image.file).size).toBeGreaterThan(statSync(meta.file).size);
});

const licenses = async (recorded?: Map<string, string | null>) => {
  const infos = await readDebInfo([{ set: "kernel", artifact: "kernel", debs: [meta, image] }], recorded);
  return infos.map((d) => [d.name, d.license.expression, d.copyrightFrom]);
};

describe("readDebInfo with recorded copyrights", () => {
  it("reads the packages when nothing was recorded: the metapackage has no file of its own, the image gives the source's", async () => {
    expect(await licenses()).toEqual([
      ["demo-image", "GPL-2.0-only", "demo-image"],
      ["demo-meta", "GPL-2.0-only", "demo-image"],
    ]);
  });

  it("takes a recorded copyright in place of the package's own file", async () => {
    expect(await licenses(new Map([[image.sha256, dep5("Zlib")]]))).toEqual([
      ["demo-image", "Zlib", "demo-image"],
      ["demo-meta", "Zlib", "demo-image"],
    ]);
  });

  it("moves on to the next package of the source when a package was recorded without one", async () => {
    expect(await licenses(new Map([[meta.sha256, null], [image.sha256, dep5("ISC")]]))).toEqual([
      ["demo-image", "ISC", "demo-image"],
      ["demo-meta", "ISC", "demo-image"],
    ]);
    expect(await licenses(new Map([[meta.sha256, null], [image.sha256, null]]))).toEqual([
      ["demo-image", "NOASSERTION", undefined],
      ["demo-meta", "NOASSERTION", undefined],
    ]);
  });
});
