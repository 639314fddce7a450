// Package sets: a named list of roots plus how to close over them. A
// system needs three — the root file system, the kernel, stage 1's busybox.
import type { PackageSetSpec, SystemConfig } from "@notos/core";

/** A set as builders declare it (see `PackageSetSpec` in @notos/core). */
export type PackageSet = PackageSetSpec;

/** What the lock file records of a set (and compares to decide whether to re-resolve). */
export interface SetDefinition {
  roots: string[];
  dependencies: "all" | "none" | { only: string };
  recommends: boolean;
  essential: boolean;
}

export function setDefinition(set: PackageSet): SetDefinition {
  return {
    roots: [...set.roots],
    dependencies: typeof set.dependencies === "object" ? { only: set.dependencies.only } : set.dependencies,
    recommends: set.recommends ?? false,
    essential: set.essential ?? false,
  };
}

export function sameDefinition(a: SetDefinition, b: SetDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function systemPackageSets(config: SystemConfig): PackageSet[] {
  return [
    // Modules add packages in import order and may repeat one: the set is what matters, not the order.
    { name: "rootfs", roots: [...new Set(config.environment.packages)].sort(), dependencies: "all", recommends: config.rootfs.recommends },
    // The kernel option may name a metapackage: follow it to the real linux-image-* package, nothing else.
    { name: "kernel", roots: [config.boot.kernel.package], dependencies: { only: "^linux-image-" } },
    { name: "initrd", roots: [config.boot.initrd.busyboxPackage], dependencies: "none" },
  ];
}
