// The SBOM of a real build of the default system: every package of the root,
// the kernel and the initrd with its .deb's sha256 and licenses, the root's
// files, the initrd's modules and every builder; CycloneDX valid against its
// published schema (the CycloneDX library's validator), SPDX checked against
// the rules of the 2.3 specification; the same bytes from the same inputs;
// and the dpkg status database in the root, read by the real dpkg-query.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { beforeAll, describe, expect, it } from "vitest";
import { silentReporter } from "@notos/core";
import { readLayer } from "@notos/core/tree";
import { sbom } from "../src/index.js";
import { initrdMembers } from "../src/public/formats.js";
import { buildInto, defaultSystemFile, repo, type TestBuild } from "./system.js";

const parseExpression = createRequire(import.meta.url)("spdx-expression-parse") as (e: string) => unknown;

interface Lock {
  sets: Record<string, { packages: Array<{ name: string; version: string; sha256: string }> }>;
}

let build: TestBuild;
let spdx: any;
let cdx: any;
const lock = JSON.parse(readFileSync(join(repo, "notos.lock.json"), "utf8")) as Lock;

beforeAll(async () => {
  build = await buildInto(defaultSystemFile);
  spdx = JSON.parse(readFileSync(join(build.dist, "sbom.spdx.json"), "utf8"));
  cdx = JSON.parse(readFileSync(join(build.dist, "sbom.cdx.json"), "utf8"));
});

const debComponents = () => cdx.components.filter((c: any) => typeof c.purl === "string" && c.purl.startsWith("pkg:deb/"));
const property = (c: any, name: string): string | undefined => c.properties?.find((p: any) => p.name === `notos:${name}`)?.value;

describe("sbom.cdx.json", () => {
  it("is valid CycloneDX 1.5 by its published JSON schema", async () => {
    const errors = await new Validation.JsonStrictValidator(Spec.Version.v1dot5).validate(JSON.stringify(cdx));
    expect(errors).toBeNull();
  });

  it("lists every locked package of the root, the kernel and the initrd with the sha256 of its .deb", () => {
    const listed = new Map<string, any>(debComponents().map((c: any) => [`${property(c, "set")} ${c.name}`, c]));
    expect(new Set(debComponents().map((c: any) => property(c, "artifact")))).toEqual(new Set(["kernel", "root.squashfs", "initrd"]));
    for (const set of ["rootfs", "kernel", "initrd"]) {
      for (const p of lock.sets[set]!.packages) {
        const c = listed.get(`${set} ${p.name}`);
        expect(c, `${set} ${p.name}`).toBeDefined();
        expect(c.version).toBe(p.version);
        expect(c.hashes).toEqual([{ alg: "SHA-256", content: p.sha256 }]);
      }
    }
    expect(listed.size).toBe(["rootfs", "kernel", "initrd"].reduce((n, s) => n + lock.sets[s]!.packages.length, 0));
  });

  it("gives source packages and licenses from the copyright files", () => {
    const byName = new Map<string, any>(debComponents().map((c: any) => [c.name, c]));
    expect(property(byName.get("libc6"), "source")).toBe("glibc");
    expect(property(byName.get("busybox-static"), "source")).toBe("busybox");
    expect(byName.get("grep").licenses).toEqual([{ license: { id: "GPL-3.0-or-later" } }]);
    expect(byName.get("zlib1g").licenses).toEqual([{ license: { id: "Zlib" } }]);
    // bash's copyright names GPL-3+ for the shell itself, with others for parts.
    expect(byName.get("bash").licenses[0].expression).toContain("GPL-3.0-or-later");
    // The kernel's copyright file is the last file of its package, after ~100 MB of modules; the
    // metapackage (a link to the image's doc directory) has the same source and shares it.
    const k = build.built.artifacts.get("kernel") as unknown as { version: string };
    for (const name of [`linux-image-${k.version}`, "linux-image-cloud-amd64"]) {
      expect(property(byName.get(name), "copyright-licenses"), name).toContain("GPL-2");
      expect(byName.get(name).licenses[0].expression, name).toContain("GPL-2.0-only");
    }
    const image = spdx.packages.find((p: any) => p.name === "linux-image-cloud-amd64");
    expect(image.licenseComments).toMatch(new RegExp(`^From /usr/share/doc/linux-image-${k.version.replace(/\./g, "\\.")}/copyright: `));
  });

  it("lists the files each package put into the root, with their sha256, as the root's manifest has them", () => {
    const rootfs = build.built.artifacts.get("rootfs") as unknown as { manifest: string };
    const manifest = JSON.parse(readFileSync(rootfs.manifest, "utf8")) as Array<{ path: string; type: string; sha256?: string; origin: string }>;
    const bash = debComponents().find((c: any) => c.name === "bash");
    const files = new Map<string, string>(bash.components.map((f: any) => [f.name, f.hashes[0].content]));
    const expected = manifest.filter((e) => e.origin === "bash" && e.type === "file");
    expect(files.size).toBe(expected.length);
    for (const e of expected) expect(files.get(e.path)).toBe(e.sha256);
    expect(files.has("/usr/bin/bash")).toBe(true);
  });

  it("lists the kernel's modules the initrd carries, and every builder with its version", () => {
    const k = build.built.artifacts.get("kernel") as unknown as { modules: Array<{ name: string }>; version: string };
    const image = debComponents().find((c: any) => c.name === `linux-image-${k.version}`);
    const modules = image.components.map((f: any) => property(f, "kernel-module")).filter(Boolean).sort();
    expect(modules).toEqual(k.modules.map((m) => m.name).sort());
    const tools = cdx.metadata.tools.components.filter((t: any) => t.group === "notos-builder");
    const builders = build.built.graph.builders.filter((b) => b.name !== "sbom");
    expect(tools.map((t: any) => `${t.name} ${t.version}`).sort()).toEqual(builders.map((b) => `${b.name} ${b.version}`).sort());
  });

  it("gives each artifact of dist/ with its sha256 and size", () => {
    for (const name of ["kernel", "initrd", "root.squashfs"]) {
      const c = cdx.components.find((x: any) => x.name === name && x.type === "file");
      const bytes = readFileSync(join(build.dist, name));
      expect(property(c, "bytes")).toBe(String(bytes.byteLength));
      expect(c.hashes[0].content).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });
});

describe("sbom.spdx.json", () => {
  it("follows the SPDX 2.3 rules: required fields, element ids, relationships, license expressions and LicenseRefs", () => {
    expect(spdx).toMatchObject({ spdxVersion: "SPDX-2.3", dataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT" });
    expect(spdx.documentNamespace).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(spdx.creationInfo.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(spdx.creationInfo.creators.length).toBeGreaterThan(0);
    const ids = new Set<string>(["SPDXRef-DOCUMENT"]);
    for (const p of spdx.packages) {
      expect(p.SPDXID).toMatch(/^SPDXRef-[a-zA-Z0-9.-]+$/);
      expect(ids.has(p.SPDXID)).toBe(false);
      ids.add(p.SPDXID);
      expect(typeof p.name).toBe("string");
      expect(p.downloadLocation).toBeDefined();
      for (const e of [p.licenseDeclared, p.licenseConcluded]) if (e !== "NOASSERTION" && e !== "NONE") expect(() => parseExpression(e), e).not.toThrow();
    }
    for (const f of spdx.files) {
      expect(f.SPDXID).toMatch(/^SPDXRef-[a-zA-Z0-9.-]+$/);
      ids.add(f.SPDXID);
      expect(f.fileName.startsWith("./")).toBe(true);
      expect(f.checksums[0]).toMatchObject({ algorithm: "SHA256", checksumValue: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
    for (const r of spdx.relationships) {
      expect(ids.has(r.spdxElementId), r.spdxElementId).toBe(true);
      expect(ids.has(r.relatedSpdxElement), r.relatedSpdxElement).toBe(true);
    }
    const declared = new Set<string>(spdx.hasExtractedLicensingInfos.map((l: any) => l.licenseId));
    const used = spdx.packages.flatMap((p: any) => String(p.licenseDeclared).match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []);
    expect(used.length).toBeGreaterThan(0);
    for (const ref of used) expect(declared.has(ref), ref).toBe(true);
    for (const l of spdx.hasExtractedLicensingInfos) expect(l.extractedText.length).toBeGreaterThan(0);
  });

  it("describes the same packages as the CycloneDX BOM, with the same .deb digests", () => {
    const fromSpdx = spdx.packages
      .filter((p: any) => p.externalRefs?.[0]?.referenceType === "purl")
      .map((p: any) => `${p.externalRefs[0].referenceLocator} ${p.checksums[0].checksumValue}`)
      .sort();
    const fromCdx = debComponents().map((c: any) => `${c.purl} ${c.hashes[0].content}`).sort();
    expect(fromSpdx).toEqual(fromCdx);
  });
});

describe("reproducibility", () => {
  it("takes its time from SOURCE_DATE_EPOCH and gives the same bytes when built again from the same inputs", async () => {
    expect(spdx.creationInfo.created).toBe(new Date(build.built.epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect(cdx.metadata.timestamp).toBe(spdx.creationInfo.created);
    const out = mkdtempSync(join(tmpdir(), "notos-sbom-again-"));
    const artifacts = build.built.artifacts;
    const every = build.built.graph.inputBuilders(sbom, "builders").map((b) => ({ ...artifacts.get(b.name)!, builderVersion: b.version }));
    await sbom.build({
      options: { system: { name: "notos", version: "0.1.0" }, debian: { suites: ["bookworm", "bookworm-updates", "bookworm-security"] } },
      inputs: { packages: artifacts.get("sbom-packages")!, rootfs: artifacts.get("rootfs")!, kernel: artifacts.get("kernel")!, initrd: artifacts.get("initrd")!, builders: every },
      out,
      reporter: silentReporter,
      packages: () => Promise.reject(new Error("the sbom builder fetches no packages")),
      sourceDateEpoch: build.built.epoch,
      definitions: new Map(),
    });
    for (const name of ["sbom.spdx.json", "sbom.cdx.json"]) expect(readFileSync(join(out, name)).equals(readFileSync(join(build.dist, name))), name).toBe(true);
  });
});

describe("/var/lib/dpkg/status in the root", () => {
  it("is in the image, and lists every package of the root to the real dpkg-query, with its version", async () => {
    const layer = await readLayer(build.built.artifacts.get("dpkg-status")!.path);
    const status = layer.entries.find((e) => e.path === "/var/lib/dpkg/status");
    expect(status?.type).toBe("file");
    const content = (status as { content: Uint8Array }).content;
    const digest = createHash("sha256").update(content).digest("hex");
    // The root's layers may sit in root.squashfs or in the initrd (appended to the archive): one of them holds it.
    const inInitrd = (await initrdMembers(join(build.dist, "initrd"))).find((m) => m.path.endsWith("/var/lib/dpkg/status"));
    const dir = mkdtempSync(join(tmpdir(), "notos-dpkg-"));
    execFileSync("unsquashfs", ["-q", "-n", "-no-xattrs", "-d", join(dir, "root"), join(build.dist, "root.squashfs"), "var/lib/dpkg"]);
    const inRoot = existsSync(join(dir, "root", "var", "lib", "dpkg", "status")) ? createHash("sha256").update(readFileSync(join(dir, "root", "var", "lib", "dpkg", "status"))).digest("hex") : undefined;
    expect([inInitrd?.sha256, inRoot]).toContain(digest);

    const admin = join(dir, "admin");
    mkdirSync(admin);
    writeFileSync(join(admin, "status"), content);
    const out = execFileSync("dpkg-query", [`--admindir=${admin}`, "-W", "-f", "${Package} ${Version} ${db:Status-Abbrev}\\n"], { encoding: "utf8" });
    const listed = out.trim().split("\n").map((l) => l.trim()).sort();
    const expected = lock.sets["rootfs"]!.packages.map((p) => `${p.name} ${p.version} ii`).sort();
    expect(listed).toEqual(expected);
  });
});
