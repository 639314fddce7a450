// `notos lock`: the lock file composed from the system's builders — every
// package set any builder declares, resolved when new or changed, kept
// otherwise, with what changed printed per set.
import { NotosError, type LoadedSystem, type PackageSetSpec } from "@notos/core";
import { buildGraph, optionSlice } from "@notos/core/graph";
import type { Reporter } from "@notos/core/progress";
import { lockPackageSets, type SetChange } from "@notos/debian";

/** Every package set the system's builders declare; two builders declaring one name differently is an error. */
export function systemPackageSets(system: LoadedSystem): PackageSetSpec[] {
  const sets = new Map<string, { set: PackageSetSpec; builder: string }>();
  for (const b of buildGraph(system.builders).builders) {
    for (const set of b.packageSets(optionSlice(system.config, b.reads, b.name))) {
      const other = sets.get(set.name);
      if (other && JSON.stringify(other.set) !== JSON.stringify(set)) {
        throw new NotosError(`Builders ${other.builder} and ${b.name} both declare a package set named ${set.name}, differently.`, {
          code: "PACKAGE_SET_NAME",
          hint: "package set names are the lock file's keys: give one of them another name.",
        });
      }
      sets.set(set.name, { set, builder: b.name });
    }
  }
  return [...sets.values()].map((s) => s.set);
}

export async function lockSets(system: LoadedSystem, options: { refresh: boolean; reporter: Reporter }): Promise<string[]> {
  const debian = (system.config as { debian?: Parameters<typeof lockPackageSets>[0]["debian"] }).debian;
  if (!debian) {
    throw new NotosError("No module of this system declares the `debian` options, so there is nothing to lock against.", {
      code: "NO_PACKAGE_SOURCE",
      hint: "import the module of @notos/debian (the standard `base` module does).",
    });
  }
  const result = await lockPackageSets({ debian, lockFile: system.lockFile, reporter: options.reporter, sets: systemPackageSets(system) }, { refresh: options.refresh });
  return [...result.sets.flatMap(describe), `${result.written ? "wrote" : "up to date:"} ${system.lockFile}`];
}

function describe(change: SetChange): string[] {
  if (change.status === "kept") return [`${change.name}: unchanged (locked)`];
  const count = change.added.length + change.removed.length + change.changed.length;
  return [
    `${change.name}: resolved${count === 0 ? ", no changes" : ""}`,
    ...change.added.map((p) => `  + ${p.name} ${p.version} (${p.suite})`),
    ...change.removed.map((p) => `  - ${p.name} ${p.version}`),
    ...change.changed.map((c) => `  ~ ${c.name} ${c.from} → ${c.to}`),
  ];
}
