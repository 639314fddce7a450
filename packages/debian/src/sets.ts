// Package sets: a named list of roots plus how to close over them. Each
// builder declares its own (the lock file is composed from them); this file
// holds what the lock records of a set, and how two definitions compare.
import type { PackageSetSpec } from "@notos/core";

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

/**
 * The options the three standard sets are made of. Structural on purpose:
 * they belong to @notos/rootfs, @notos/kernel and @notos/initrd, which
 * depend on this package, not the other way round.
 */
export interface StandardSetOptions {
  environment: { packages: readonly string[] };
  rootfs: { recommends: boolean };
  boot: { kernel: { package: string }; initrd: { busyboxPackage: string } };
}

/**
 * The compatibility path for tests from before the builders declared their
 * sets (the QEMU test guest and the initrd boot test take busybox from the
 * "initrd" set): the sets of the rootfs, kernel and initrd builders, as
 * they declare them. The lock itself is composed from the builders.
 */
export function systemPackageSets(config: StandardSetOptions): PackageSet[] {
  return [
    // Modules add packages in import order and may repeat one: the set is what matters, not the order.
    { name: "rootfs", roots: [...new Set(config.environment.packages)].sort(), dependencies: "all", recommends: config.rootfs.recommends },
    // The kernel option may name a metapackage: follow it to the real linux-image-* package, nothing else.
    { name: "kernel", roots: [config.boot.kernel.package], dependencies: { only: "^linux-image-" } },
    { name: "initrd", roots: [config.boot.initrd.busyboxPackage], dependencies: "none" },
  ];
}
