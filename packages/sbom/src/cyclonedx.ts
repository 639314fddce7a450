// The inventory as a CycloneDX 1.5 JSON BOM: the system as the BOM's
// subject; a component per dist/ artifact, per Debian package (purl, sha256
// of the .deb, licenses, its files in the root as nested file components)
// and per layer of the root; the builders as the tools that made the
// artifacts; dependencies saying which artifact holds which package.
// `notos:*` properties carry the sizes that `notos diff` and the site read.
import { contentUuid, debPurl } from "./ids.js";
import { rootBytes, type Inventory, type InventoryFile } from "./inventory.js";
import type { PackageLicense } from "./license.js";

type Json = Record<string, unknown>;

const prop = (name: string, value: string | number) => ({ name: `notos:${name}`, value: String(value) });
const sha = (hex: string) => [{ alg: "SHA-256", content: hex }];
const fileComponent = (f: InventoryFile, extra: Json[] = []) => ({ type: "file", name: f.path, hashes: sha(f.sha256), properties: [prop("bytes", f.size), ...extra] });

function licenses(l: PackageLicense): Json[] | undefined {
  if (l.expression === "NOASSERTION") return undefined;
  if (/^[A-Za-z0-9.+-]+$/.test(l.expression) && !l.expression.startsWith("LicenseRef-")) return [{ license: { id: l.expression } }];
  return [{ expression: l.expression }];
}

export function toCycloneDx(inv: Inventory): Json {
  const systemRef = `system:${inv.system.name}`;
  const artifactRef = (name: string) => `artifact:${name}`;
  const debRef = (set: string, name: string) => `deb:${set}:${name}`;
  const moduleFiles = new Set(inv.kernel.modules.map((m) => m.path));

  const artifacts = inv.artifacts.map((a) => ({
    type: "file",
    "bom-ref": artifactRef(a.name),
    name: a.name,
    hashes: sha(a.sha256),
    properties: [prop("artifact", a.name), prop("bytes", a.size)],
    ...(a.name === "root.squashfs" && inv.layers.length
      ? {
          components: inv.layers.map((layer) => ({
            type: "data",
            "bom-ref": `layer:${layer.origin}`,
            name: `layer ${layer.origin}`,
            properties: [prop("layer", layer.origin), prop("root-bytes", rootBytes(layer)), prop("root-files", layer.files.length)],
            components: layer.files.map((f) => fileComponent(f)),
          })),
        }
      : {}),
    ...(a.name === "initrd" && inv.initrd.length ? { components: inv.initrd.map((f) => fileComponent(f, moduleFiles.has(f.path) ? [prop("kernel-module", "true")] : [])) } : {}),
  }));

  const packages = inv.packages.map((p) => {
    const lic = licenses(p.license);
    const isKernel = p.name === inv.kernel.package;
    return {
      type: isKernel ? "operating-system" : "library",
      "bom-ref": debRef(p.set, p.name),
      name: p.name,
      version: p.version,
      ...(p.summary ? { description: p.summary } : {}),
      hashes: sha(p.sha256),
      ...(lic ? { licenses: lic } : {}),
      purl: debPurl(p, inv.distro),
      ...(p.homepage ? { externalReferences: [{ type: "website", url: p.homepage }] } : {}),
      properties: [
        prop("set", p.set),
        prop("artifact", p.artifact),
        prop("source", p.source),
        prop("source-version", p.sourceVersion),
        prop("deb-bytes", p.size),
        prop("root-bytes", rootBytes(p)),
        prop("root-files", p.files.length),
        ...(p.license.names.length ? [prop("copyright-licenses", p.license.names.join(", "))] : []),
        ...(isKernel ? [prop("kernel-release", inv.kernel.release)] : []),
      ],
      ...(p.files.length || isKernel
        ? {
            components: [
              ...p.files.map((f) => fileComponent(f)),
              ...(isKernel ? inv.kernel.modules.map((m) => fileComponent(m, [prop("kernel-module", m.name)])) : []),
            ],
          }
        : {}),
    };
  });

  const dependencies = [
    { ref: systemRef, dependsOn: inv.artifacts.map((a) => artifactRef(a.name)) },
    ...inv.artifacts.map((a) => ({
      ref: artifactRef(a.name),
      dependsOn: inv.packages.filter((p) => p.artifact === a.name).map((p) => debRef(p.set, p.name)),
    })),
  ];

  const body: Json = {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: "",
    version: 1,
    metadata: {
      timestamp: inv.created,
      tools: {
        components: [
          { type: "application", group: "@notos", name: inv.tool.name.replace(/^@notos\//, ""), version: inv.tool.version },
          ...inv.builders.map((b) => ({ type: "application", group: "notos-builder", name: b.name, version: b.version, properties: [prop("digest", b.digest)] })),
        ],
      },
      component: { type: "operating-system", "bom-ref": systemRef, name: inv.system.name, version: inv.system.version },
      properties: [prop("distro", inv.distro), prop("kernel-release", inv.kernel.release)],
    },
    components: [...artifacts, ...packages],
    dependencies,
  };
  body.serialNumber = `urn:uuid:${contentUuid(JSON.stringify(body))}`;
  return body;
}
