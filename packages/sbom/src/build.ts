// The builders: `sbom-packages` reads what the SBOM says of each Debian
// package from the .debs, and the copyrights from what the kernel and the
// rootfs recorded when they unpacked them, and `sbom`
// puts it together with the root's manifest, the kernel's modules, the
// initrd's members and every builder of the system into sbom.spdx.json and
// sbom.cdx.json in dist/. `sbomModule` adds both, and the dpkg status layer.
import { promises as fs } from "node:fs";
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { defineBuilder, defineModule, everyBuilder, type Artifact, type Builder, type PackageSetSpec } from "@notos/core";
import { isBuilder } from "@notos/core/graph";
import { readCopyrights } from "@notos/debian/deb";
import { initrd, type InitrdArtifact } from "@notos/initrd";
import { kernel, type KernelArtifact } from "@notos/kernel";
import { rootfs, type RootfsArtifact } from "@notos/rootfs";
import { toCycloneDx } from "./cyclonedx.js";
import { readDebInfo, type DebInfo } from "./debs.js";
import { dpkgStatusLayer } from "./dpkg.js";
import { initrdMembers } from "./initrd.js";
import { isoSeconds, rootFiles, type Inventory, type InventoryFile, type RootRow } from "./inventory.js";
import { toSpdx } from "./spdx.js";

export const SPDX_FILE = "sbom.spdx.json";
export const CYCLONEDX_FILE = "sbom.cdx.json";
const DEBS_FILE = "debs.json";
const TOOL = { name: "@notos/sbom", version: "0.1.0" };

/**
 * The builders whose Debian packages the SBOM describes, with the artifact
 * each one's packages end up in: the kernel, the root and the initrd, and
 * every builder they take (the initrd's busybox comes from one of those).
 */
function describedBuilders(): Array<{ builder: Builder; artifact: string }> {
  const found = new Map<string, { builder: Builder; artifact: string }>();
  const visit = (b: Builder, artifact: string): void => {
    if (found.has(b.name)) return;
    found.set(b.name, { builder: b, artifact });
    for (const input of Object.values(b.inputs)) if (isBuilder(input)) visit(input, artifact);
  };
  visit(kernel, "kernel");
  visit(rootfs, "root.squashfs");
  visit(initrd, "initrd");
  return [...found.values()];
}

const described = describedBuilders();
type DescribedPaths = "rootfs" | "environment.packages" | "boot.kernel.package" | "boot.kernelModules" | "boot.initrd.kernelModules" | "boot.initrd.busyboxPackage";
const describedReads = [...new Set(described.flatMap((d) => d.builder.reads))].sort() as readonly DescribedPaths[];

function describedSets(options: unknown): Array<{ spec: PackageSetSpec; artifact: string }> {
  const sets = new Map<string, { spec: PackageSetSpec; artifact: string }>();
  for (const { builder, artifact } of described) for (const spec of builder.packageSets(options)) if (!sets.has(spec.name)) sets.set(spec.name, { spec, artifact });
  return [...sets.values()];
}

export interface SbomPackagesArtifact extends Artifact {
  /** debs.json: a DebInfo per package of the described sets. */
  debs: string;
}

/**
 * Control fields and licenses of every package the root, the kernel and the
 * initrd are made of. It declares their builders' own package sets (read
 * through their public `packageSets`: one lock entry each). It takes the
 * kernel and the rootfs for the copyrights they recorded: reading those
 * again, beside them, cost a cold build more than waiting for them does.
 */
export const sbomPackages = defineBuilder({
  name: "sbom-packages",
  version: "2",
  description: "Control fields and copyright licenses of the packages in the root, the kernel and the initrd, read from the .debs.",
  reads: describedReads,
  packages: (options) => describedSets(options).map((s) => s.spec),
  inputs: { kernel, rootfs },
  async build({ options, inputs, out, packages, reporter }) {
    const sets = await Promise.all(describedSets(options).map(async ({ spec, artifact }) => ({ set: spec.name, artifact, debs: await packages(spec.name) })));
    const recorded = await readCopyrights([(inputs.kernel as KernelArtifact).copyrights, (inputs.rootfs as RootfsArtifact).copyrights]);
    const debs = await readDebInfo(sets, recorded);
    await fs.writeFile(join(out, DEBS_FILE), JSON.stringify(debs, null, 1) + "\n");
    const noAssertion = debs.filter((d) => d.license.expression === "NOASSERTION").length;
    reporter.info(`${debs.length} packages, ${debs.length - noAssertion} with licenses from a machine-readable copyright file`);
    return { packages: debs.length };
  },
  artifact: (entry): SbomPackagesArtifact => ({ builder: entry.builder, path: entry.path, digest: entry.digest, cached: entry.cached, debs: join(entry.path, DEBS_FILE) }),
});

async function fileSha256(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}

export interface SbomArtifact extends Artifact {
  spdx: string;
  cyclonedx: string;
}

export const sbom = defineBuilder({
  name: "sbom",
  version: "1",
  description: "sbom.spdx.json (SPDX 2.3) and sbom.cdx.json (CycloneDX 1.5): every package, file, module, artifact and builder of the build.",
  reads: ["system.name", "system.version", "debian.suites"],
  inputs: { packages: sbomPackages, rootfs, kernel, initrd, builders: everyBuilder },
  async build({ options, inputs, out, reporter, sourceDateEpoch }) {
    const debs = JSON.parse(await fs.readFile(inputs.packages.debs, "utf8")) as DebInfo[];
    const rows = JSON.parse(await fs.readFile((inputs.rootfs as RootfsArtifact).manifest, "utf8")) as RootRow[];
    const k = inputs.kernel as KernelArtifact;
    const i = inputs.initrd as InitrdArtifact;
    const rootNames = new Set(debs.filter((d) => d.artifact === "root.squashfs").map((d) => d.name));
    const split = rootFiles(rows, rootNames);
    const members = await initrdMembers(i.file);
    const initrdFiles: InventoryFile[] = members.filter((m) => m.type === "file" && m.sha256).map((m) => ({ path: m.path, sha256: m.sha256!, size: m.size }));
    const byPath = new Map(initrdFiles.map((f) => [f.path, f]));
    const modules = k.modules.flatMap((m) => {
      const file = byPath.get(`/lib/modules/${k.version}/${m.file}`) ?? byPath.get(`/usr/lib/modules/${k.version}/${m.file}`);
      return file ? [{ ...file, name: m.name }] : [];
    });
    const artifacts = await Promise.all(
      [
        ["kernel", k.image],
        ["initrd", i.file],
        ["root.squashfs", (inputs.rootfs as RootfsArtifact).image],
      ].map(async ([name, file]) => ({ name: name!, ...(await fileSha256(file!)) })),
    );
    const inventory: Inventory = {
      system: { name: options.system.name, version: options.system.version },
      created: isoSeconds(sourceDateEpoch),
      tool: TOOL,
      distro: options.debian.suites[0] ?? "bookworm",
      artifacts,
      packages: debs.map((d) => ({ ...d, files: d.artifact === "root.squashfs" ? (split.packages.get(d.name) ?? []) : [] })),
      layers: split.layers,
      kernel: { release: k.version, package: debs.find((d) => d.artifact === "kernel" && d.name === `linux-image-${k.version}`)?.name, modules },
      initrd: initrdFiles,
      builders: inputs.builders.map((b) => ({ name: b.builder, version: b.builderVersion, digest: b.digest })),
    };
    await fs.writeFile(join(out, SPDX_FILE), JSON.stringify(toSpdx(inventory), null, 1) + "\n");
    await fs.writeFile(join(out, CYCLONEDX_FILE), JSON.stringify(toCycloneDx(inventory), null, 1) + "\n");
    reporter.info(`${inventory.packages.length} packages, ${rows.filter((r) => r.type === "file").length} root files, ${modules.length} kernel modules, ${inventory.builders.length} builders`);
    return {};
  },
  artifact: (entry): SbomArtifact => ({ builder: entry.builder, path: entry.path, digest: entry.digest, cached: entry.cached, spdx: join(entry.path, SPDX_FILE), cyclonedx: join(entry.path, CYCLONEDX_FILE) }),
  dist: (a) => ({ [SPDX_FILE]: a.spdx, [CYCLONEDX_FILE]: a.cyclonedx }),
});

/** Adds the SBOM (sbom.spdx.json, sbom.cdx.json in dist/) and /var/lib/dpkg/status in the root. */
export const sbomModule = defineModule({ name: "@notos/sbom", builders: [sbom, dpkgStatusLayer] });
