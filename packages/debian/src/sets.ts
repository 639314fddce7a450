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
