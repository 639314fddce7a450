// The inventory as an SPDX 2.3 JSON document: a package for the system, for
// each artifact in dist/, for each Debian package (sha256 of the .deb, its
// purl, source package, declared license), for each layer of the root and
// for each builder; a file for each regular file of the root and each
// kernel module of the initrd, with its sha256; relationships saying what
// contains what. LicenseRefs carry their text from the copyright file.
import { contentUuid, debPurl } from "./ids.js";
import { rootBytes, type Inventory, type InventoryFile } from "./inventory.js";

type Json = Record<string, unknown>;

function spdxRef(kind: string, name: string, taken: Set<string>): string {
  const base = `SPDXRef-${kind}-${name.replace(/[^A-Za-z0-9.-]+/g, "-")}`;
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  taken.add(id);
  return id;
}

export function toSpdx(inv: Inventory): Json {
  const taken = new Set<string>(["SPDXRef-DOCUMENT"]);
  const packages: Json[] = [];
  const files: Json[] = [];
  const relationships: Json[] = [];
  const extracted = new Map<string, Json>();
  const rel = (a: string, type: string, b: string) => relationships.push({ spdxElementId: a, relationshipType: type, relatedSpdxElement: b });
  const fileIds = new Map<string, string>();
  const file = (f: InventoryFile, comment?: string): string => {
    const key = `${f.path} ${f.sha256}`;
    const known = fileIds.get(key);
    if (known) return known;
    const id = `SPDXRef-File-${files.length + 1}`;
    taken.add(id);
    fileIds.set(key, id);
    files.push({ SPDXID: id, fileName: `.${f.path}`, checksums: [{ algorithm: "SHA256", checksumValue: f.sha256 }], ...(comment ? { comment } : {}) });
    return id;
  };

  const systemId = spdxRef("System", inv.system.name, taken);
  packages.push({
    SPDXID: systemId,
    name: inv.system.name,
    versionInfo: inv.system.version,
    primaryPackagePurpose: "OPERATING-SYSTEM",
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    description: "A notos system: the artifacts of dist/ and what is in them.",
  });
  rel("SPDXRef-DOCUMENT", "DESCRIBES", systemId);

  const artifactIds = new Map<string, string>();
  for (const a of inv.artifacts) {
    const id = spdxRef("Artifact", a.name, taken);
    artifactIds.set(a.name, id);
    packages.push({
      SPDXID: id,
      name: a.name,
      primaryPackagePurpose: a.name === "kernel" ? "OPERATING-SYSTEM" : "ARCHIVE",
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      checksums: [{ algorithm: "SHA256", checksumValue: a.sha256 }],
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      comment: `dist/${a.name}, ${a.size} bytes`,
    });
    rel(systemId, "CONTAINS", id);
  }

  for (const p of inv.packages) {
    const id = spdxRef("Package-deb", `${p.set}-${p.name}`, taken);
    for (const ref of p.license.refs) if (!extracted.has(ref.id)) extracted.set(ref.id, { licenseId: ref.id, name: ref.name, extractedText: ref.text });
    packages.push({
      SPDXID: id,
      name: p.name,
      versionInfo: p.version,
      primaryPackagePurpose: "LIBRARY",
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      checksums: [{ algorithm: "SHA256", checksumValue: p.sha256 }],
      sourceInfo: `built from the Debian source package ${p.source} ${p.sourceVersion}`,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: p.license.expression,
      ...(p.copyrightFrom ? { licenseComments: `From /usr/share/doc/${p.copyrightFrom}/copyright${p.license.names.length ? `: ${p.license.names.join(", ")}` : ""}.` } : {}),
      copyrightText: "NOASSERTION",
      ...(p.homepage ? { homepage: p.homepage } : {}),
      ...(p.summary ? { summary: p.summary } : {}),
      comment: `package set ${p.set}; .deb of ${p.size} bytes; ${p.files.length} files, ${rootBytes(p)} bytes in the root`,
      externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: debPurl(p, inv.distro) }],
    });
    const artifactId = artifactIds.get(p.artifact);
    if (artifactId) rel(artifactId, p.artifact === "kernel" ? "GENERATED_FROM" : "CONTAINS", id);
    else rel(systemId, "CONTAINS", id);
    for (const f of p.files) rel(id, "CONTAINS", file(f));
    if (p.name === inv.kernel.package) {
      for (const m of inv.kernel.modules) {
        const fid = file(m, `kernel module ${m.name}`);
        rel(id, "CONTAINS", fid);
        const initrd = artifactIds.get("initrd");
        if (initrd) rel(initrd, "CONTAINS", fid);
      }
    }
  }

  const initrdId = artifactIds.get("initrd");
  if (initrdId) for (const f of inv.initrd) rel(initrdId, "CONTAINS", file(f));

  const root = artifactIds.get("root.squashfs");
  for (const layer of inv.layers) {
    const id = spdxRef("Layer", layer.origin, taken);
    packages.push({
      SPDXID: id,
      name: `layer ${layer.origin}`,
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      comment: `files the ${layer.origin} ${layer.origin === "skeleton" ? "of the rootfs builder" : "layer"} put into the root`,
    });
    rel(root ?? systemId, "CONTAINS", id);
    for (const f of layer.files) rel(id, "CONTAINS", file(f));
  }

  for (const b of inv.builders) {
    const id = spdxRef("Builder", b.name, taken);
    packages.push({
      SPDXID: id,
      name: `notos builder ${b.name}`,
      versionInfo: b.version,
      primaryPackagePurpose: "APPLICATION",
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      comment: `store digest ${b.digest}`,
    });
    rel(id, "BUILD_TOOL_OF", systemId);
  }

  const body = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${inv.system.name}-${inv.system.version}`,
    documentNamespace: "",
    creationInfo: { created: inv.created, creators: [`Tool: ${inv.tool.name}-${inv.tool.version}`] },
    packages,
    files,
    ...(extracted.size ? { hasExtractedLicensingInfos: [...extracted.values()].sort((a, b) => (String(a.licenseId) < String(b.licenseId) ? -1 : 1)) } : {}),
    relationships,
  };
  // The namespace is unique per content: a UUID from the document without it.
  body.documentNamespace = `urn:uuid:${contentUuid(JSON.stringify(body))}`;
  return body;
}
