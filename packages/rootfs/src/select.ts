// Per-package file selections: a module that pulls a package in for one
// tool of it says which files it needs and why (`rootfs.packageFiles`), and
// the rest of the package stays out of the image — sshd needs ssh-keygen of
// openssh-client, not ssh, scp or the agent. A selection holds only while
// every package that depends on the selected one is one it was written for
// (`for`), and that package's own selection (if any) holds too: a
// configuration that adds a package depending on it (sshfs on
// openssh-client) gets it whole again, without saying anything.
// `rootfs.keepWhole` keeps a package whole on purpose. Directories always
// stay, and so do the paths `rootfs.include` keeps (copyright files).
// `unlinked` names libraries that stay only while something in the image
// links them (unlinked.ts): read from the image, it needs no `for`.
import { globMatcher, type PathMatcher } from "./glob.js";

export interface PackageFiles {
  /** Glob patterns (merged-/usr paths) of the files to keep; unset: every file not dropped. */
  keep?: readonly string[];
  /** Glob patterns of files to leave out. */
  drop?: readonly string[];
  /** Glob patterns of shared libraries that stay only while an ELF file of the image links them (never one loaded with dlopen). */
  unlinked?: readonly string[];
  /** Why the rest is not needed: shown in the build's report and in sizes.json. */
  reason: string;
  /** The packages whose needs the selection covers: any other package depending on this one keeps it whole. */
  for?: readonly string[];
}

export interface SelectionPlan {
  /** Package → which of its non-directory paths stay. */
  applied: Map<string, PathMatcher>;
  /** Package → which of its files stay only while something links them. */
  unlinked: Map<string, PathMatcher>;
  /** Packages with a selection that stay whole, and why. */
  whole: { name: string; why: string }[];
}

/**
 * Which selections hold for a root of `present` packages, where
 * `dependents` maps a package to the packages (of the root) that depend on
 * it (Depends, Pre-Depends). `include` patterns are kept in every selection.
 */
export function planSelections(options: {
  selections: Readonly<Record<string, PackageFiles>>;
  keepWhole: readonly string[];
  present: ReadonlySet<string>;
  dependents: ReadonlyMap<string, ReadonlySet<string>>;
  include: readonly string[];
}): SelectionPlan {
  const whole: SelectionPlan["whole"] = [];
  const holding = new Set<string>();
  const unlinkedOnly = new Set<string>();
  for (const name of Object.keys(options.selections).sort()) {
    if (!options.present.has(name)) continue;
    const { keep, drop } = options.selections[name]!;
    if (options.keepWhole.includes(name)) whole.push({ name, why: "rootfs.keepWhole names it" });
    // Only `unlinked`: the image decides, whatever depends on the package.
    else if (keep === undefined && drop === undefined) unlinkedOnly.add(name);
    else holding.add(name);
  }
  // A selection falls when a dependent is not one it was written for, or is one whose own selection fell: to a fixed point.
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of [...holding].sort()) {
      const covered = new Set(options.selections[name]!.for ?? []);
      for (const dependent of [...(options.dependents.get(name) ?? [])].sort()) {
        const fellThrough = options.selections[dependent] !== undefined && !holding.has(dependent) && !unlinkedOnly.has(dependent);
        if (covered.has(dependent) && !fellThrough) continue;
        holding.delete(name);
        whole.push({ name, why: fellThrough ? `${dependent} depends on it and is kept whole` : `${dependent} depends on it` });
        changed = true;
        break;
      }
    }
  }
  const included = globMatcher(options.include);
  const applied = new Map<string, PathMatcher>();
  for (const name of [...holding].sort()) {
    const { keep, drop } = options.selections[name]!;
    const kept = keep ? globMatcher(keep) : () => true;
    const dropped = globMatcher(drop ?? []);
    applied.set(name, (path) => included(path) || (kept(path) && !dropped(path)));
  }
  const unlinked = new Map<string, PathMatcher>();
  for (const name of [...holding, ...unlinkedOnly].sort()) {
    const patterns = options.selections[name]!.unlinked ?? [];
    if (patterns.length > 0) unlinked.set(name, globMatcher(patterns));
  }
  return { applied, unlinked, whole: whole.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

/** Package names a Depends or Pre-Depends field names (every alternative, without versions or architectures). */
export function dependencyNames(field: string | undefined): string[] {
  if (!field) return [];
  return field
    .split(/[,|]/)
    .map((d) => d.trim().split(/[\s(:[]/)[0]!)
    .filter(Boolean);
}

/** Package → the packages of the root that depend on it. */
export function dependentsOf(controls: readonly { name: string; depends?: string; preDepends?: string }[]): Map<string, Set<string>> {
  const present = new Set(controls.map((c) => c.name));
  const out = new Map<string, Set<string>>();
  for (const c of controls) {
    for (const dep of [...dependencyNames(c.depends), ...dependencyNames(c.preDepends)]) {
      if (dep === c.name || !present.has(dep)) continue;
      let set = out.get(dep);
      if (!set) out.set(dep, (set = new Set()));
      set.add(c.name);
    }
  }
  return out;
}
