// readDebInfo and the copyrights builders recorded: a recorded copyright is
// taken instead of the package's own file (so the package is not read for
// it), a recorded null sends the search on to the next package of the
// source, and a package nobody recorded is read as before. The packages are
// real, built by dpkg-deb; what they say and what was recorded differ, so
// the result shows which one was used.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FetchedDeb } from "@notos/core";
import { buildTestDeb } from "../../../test-support/deb.js";
import { readDebInfo } from "../src/public/formats.js";

const work = mkdtempSync(join(tmpdir(), "notos-sbom-debs-test-"));
const SOURCE = "Source: demo\n";
const dep5 = (license: string) => `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: nobody\nLicense: ${license}\n`;

let image: FetchedDeb;
let meta: FetchedDeb;

beforeAll(() => {
  // The image is the larger .deb, so it is asked second.
  image = buildTestDeb(work, { name: "demo-image", fields: SOURCE, doc: { copyright: dep5("GPL-2") }, padding: 64 * 1024 });
  meta = buildTestDeb(work, { name: "demo-meta", fields: SOURCE, doc: { linkTo: "demo-image" } });
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
