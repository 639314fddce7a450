// The floor of a boot: the same kernel, QEMU arguments and compressor, with an
// initrd that holds only a static busybox and an /init that prints the
// guest's uptime and powers off at once. What the real boot takes above this
// is what notos's own stages cost.
import { join } from "node:path";
import { NotosError, type LoadedSystem, type Reporter, type TreeEntry } from "@notos/core";
import { systemPackages, systemPackageSets } from "@notos/cli/lock";
import { busyboxFromDeb } from "@notos/initrd/busybox";
import { planCpio, cpioChunks, writeCompressed } from "@notos/initrd/cpio";

/** What the floor's /init prints, with the guest's uptime in seconds. */
export const FLOOR_MARK = /notos floor: \/init at uptime ([\d.]+) s/;

const FLOOR_INIT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "notos floor: /init at uptime $(/bin/busybox cut -d ' ' -f 1 /proc/uptime) s"
exec /bin/busybox poweroff -f
`;

/** Write the floor initrd into `dir`; returns its path. */
export async function buildFloorInitrd(system: LoadedSystem, dir: string, reporter: Reporter): Promise<string> {
  // The set the system's initrd builder declares, so the floor's busybox is
  // the real initrd's, from the same lock and download cache.
  const set = systemPackageSets(system).find((s) => s.name === "initrd");
  if (!set) throw new NotosError('no builder of the system declares an "initrd" package set');
  const { busyboxPackage, compression } = system.config.boot.initrd;
  const packages = await systemPackages(system, reporter).fetch(set);
  const pkg = packages.find((p) => p.name === busyboxPackage) ?? packages[0];
  if (!pkg) throw new NotosError("the initrd package set resolved to no packages");
  const busybox = await busyboxFromDeb(pkg.file, pkg.name);
  const root = { mode: 0o755, uid: 0, gid: 0 };
  const entries: TreeEntry[] = [
    { path: "/init", type: "file", ...root, content: new TextEncoder().encode(FLOOR_INIT) },
    { path: "/bin/busybox", type: "file", ...root, content: busybox.binary },
    { path: "/dev/console", type: "char", mode: 0o600, uid: 0, gid: 0, major: 5, minor: 1 },
    { path: "/proc", type: "dir", ...root },
  ];
  const file = join(dir, "floor-initrd");
  await writeCompressed(cpioChunks(planCpio(entries)), compression, file);
  return file;
}
