// Libraries that stay only while something links them
// (`rootfs.packageFiles[p].unlinked`). A package's libraries are often
// there for one program of a package that a selection left out — libedit
// for the ssh client, libsemanage for useradd — or for programs the system
// never has (libmvec, ncurses' form and menu libraries). Which of them is
// still needed follows from the image itself: a library stays when an ELF
// file that stays names it in DT_NEEDED, directly or through another
// library that stays, by its file name or by a symlink's (the soname).
// Because the rule reads the image, it holds whatever depends on the
// package, and a package added later that links the library keeps it.
// Libraries loaded with dlopen or LD_PRELOAD are invisible to it: patterns
// must not name them.
import { posix } from "node:path";
import { NotosError } from "@notos/core";
import { elfDependencies, isElf } from "@notos/core/elf";
import { mergedUsrPath } from "@notos/debian/deb";
import type { PathMatcher } from "./glob.js";
import { resolveTarget } from "./paths.js";
import type { RootEntry } from "./tree.js";

/** The DT_NEEDED names of an entry's ELF file; none for a file that is not a 64-bit ELF (another architecture's objects link nothing of this root). */
export function neededLibraries(entry: RootEntry): string[] {
  if (entry.type !== "file" || !isElf(entry.content)) return [];
  try {
    return elfDependencies(entry.content, entry.path).needed;
  } catch (error) {
    if (error instanceof NotosError && error.code === "ELF_UNREADABLE") return [];
    throw error;
  }
}

export interface UnlinkedOutcome {
  /** The root without the unlinked libraries and the symlinks to them. */
  entries: RootEntry[];
  /** What was left out, in root order. */
  leftOut: RootEntry[];
}

/**
 * Leave out the files that `candidates` (origin package → matcher) names
 * and no staying ELF file links, with every symlink that ends at one.
 * `needed` reads an entry's DT_NEEDED names (a parameter for tests).
 */
export function dropUnlinked(entries: readonly RootEntry[], candidates: ReadonlyMap<string, PathMatcher>, needed: (entry: RootEntry) => string[] = neededLibraries): UnlinkedOutcome {
  if (candidates.size === 0) return { entries: [...entries], leftOut: [] };
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const isCandidate = (e: RootEntry) => e.type === "file" && candidates.get(e.origin)?.(e.path) === true;
  // Where a symlink ends, after at most 40 links as the kernel follows them;
  // a target through a root link (/lib/…) is its merged-/usr path, as the tree maps it.
  const finalPath = (entry: RootEntry): string | undefined => {
    let at: RootEntry | undefined = entry;
    for (let hops = 0; at?.type === "symlink" && hops < 40; hops++) at = byPath.get(mergedUsrPath(resolveTarget(at.path, at.target)));
    return at?.type === "file" ? at.path : undefined;
  };
  // A candidate answers to its own file name and to the name of every symlink that ends at it.
  const byName = new Map<string, string[]>();
  const answer = (name: string, path: string) => {
    const paths = byName.get(name);
    if (paths) paths.push(path);
    else byName.set(name, [path]);
  };
  const candidatePaths = new Set(entries.filter(isCandidate).map((e) => e.path));
  const linkTargets = new Map<string, string>();
  for (const e of entries) {
    if (candidatePaths.has(e.path)) answer(posix.basename(e.path), e.path);
    if (e.type !== "symlink") continue;
    const end = finalPath(e);
    if (end === undefined || !candidatePaths.has(end)) continue;
    linkTargets.set(e.path, end);
    answer(posix.basename(e.path), end);
  }
  const linked = new Set<string>();
  const queue = entries.filter((e) => e.type === "file" && !candidatePaths.has(e.path));
  while (queue.length > 0) {
    for (const name of needed(queue.pop()!)) {
      for (const path of byName.get(posix.basename(name)) ?? []) {
        if (linked.has(path)) continue;
        linked.add(path);
        queue.push(byPath.get(path)!);
      }
    }
  }
  const left = (e: RootEntry) => (candidatePaths.has(e.path) && !linked.has(e.path)) || (linkTargets.has(e.path) && !linked.has(linkTargets.get(e.path)!));
  return { entries: entries.filter((e) => !left(e)), leftOut: entries.filter(left) };
}
