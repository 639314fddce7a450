// The dpkg status database of a root that never ran dpkg: one paragraph per
// installed package, its control fields as the .deb has them plus
// "Status: install ok installed", sorted by name — what `dpkg-query`, and the
// scanners that read /var/lib/dpkg/status, expect. The `dpkg-status` layer
// puts it into the root, from the same package set the rootfs installs.
import { defineLayer } from "@notos/core";
import { readDebControl } from "@notos/debian/deb";
import { rootfs } from "@notos/rootfs";
import type { ControlFields } from "./debs.js";

export const DPKG_STATUS_PATH = "/var/lib/dpkg/status";

// Fields dpkg keeps in its status file, in its order; the rest of the control file stays out.
const STATUS_FIELDS = [
  "Package",
  "Status",
  "Priority",
  "Section",
  "Installed-Size",
  "Maintainer",
  "Architecture",
  "Multi-Arch",
  "Source",
  "Version",
  "Replaces",
  "Provides",
  "Depends",
  "Pre-Depends",
  "Recommends",
  "Suggests",
  "Breaks",
  "Conflicts",
  "Enhances",
  "Essential",
  "Protected",
  "Built-Using",
  "Description",
  "Homepage",
];

function fieldLines(name: string, value: string): string {
  const [first = "", ...rest] = value.split("\n");
  return [`${name}: ${first}`, ...rest.map((line) => (line === "" ? " ." : ` ${line}`))].join("\n");
}

/** One package's paragraph of the status file. */
export function statusParagraph(fields: ControlFields): string {
  const withStatus: ControlFields = { ...fields, Status: "install ok installed" };
  return STATUS_FIELDS.filter((name) => withStatus[name] !== undefined && withStatus[name] !== "")
    .map((name) => fieldLines(name, withStatus[name]!))
    .join("\n");
}

/** The whole status file: a paragraph per package, by name, each ending in an empty line. */
export function dpkgStatus(packages: readonly ControlFields[]): string {
  const sorted = [...packages].sort((a, b) => ((a["Package"] ?? "") < (b["Package"] ?? "") ? -1 : 1));
  return sorted.map((p) => `${statusParagraph(p)}\n\n`).join("");
}

/**
 * The layer: /var/lib/dpkg/status for the root's packages. It declares the
 * rootfs builder's own package sets (same name, same definition: one lock
 * entry), read through the rootfs builder's public `packageSets`.
 */
export const dpkgStatusLayer = defineLayer({
  name: "dpkg-status",
  version: "1",
  description: "/var/lib/dpkg/status: the root's Debian packages as dpkg would have recorded them, for scanners and dpkg-query.",
  reads: rootfs.reads as readonly ("rootfs" | "environment.packages")[],
  packages: (options) => rootfs.packageSets(options),
  async build({ options, packages, reporter }) {
    const sets = rootfs.packageSets(options);
    const debs = (await Promise.all(sets.map((s) => packages(s.name)))).flat();
    const unique = [...new Map(debs.map((d) => [d.name, d])).values()];
    const controls = await Promise.all(unique.map(async (d) => (await readDebControl(d.file)).fields));
    reporter.info(`${controls.length} packages in ${DPKG_STATUS_PATH}`);
    return {
      name: "dpkg-status",
      entries: [
        { path: DPKG_STATUS_PATH, type: "file", mode: 0o644, uid: 0, gid: 0, content: new TextEncoder().encode(dpkgStatus(controls)) },
      ],
    };
  },
});
