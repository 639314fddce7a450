// What a kernel module says about itself in its `.modinfo` section:
// NUL-separated `key=value` strings (name, depends, softdep, alias, …).
// This is what depmod reads too, so no modules.dep is needed from the package.
import { ElfError, elfSection } from "./elf.js";

export interface ModuleInfo {
  /** Module name as the kernel knows it (always with "_", never "-"). */
  name: string;
  /** The .ko file, relative to the modules directory (`kernel/drivers/…/x.ko`). */
  file: string;
  /** Modules it needs loaded first (symbol dependencies). */
  depends: string[];
  /** Soft dependencies: loaded before (`pre`) or after (`post`) it when present. */
  softdeps: { pre: string[]; post: string[] };
  /** Device/alias patterns it handles (e.g. `pci:v00001AF4d*…`, `fs-overlay`). */
  aliases: string[];
}

/** Module names compare with "-" and "_" as the same character; this is the canonical spelling. */
export function normaliseModuleName(name: string): string {
  return name.replace(/-/g, "_");
}

/** The `.modinfo` key/value pairs of a module file, in order (keys repeat, e.g. `alias`). */
export function readModinfoPairs(ko: Uint8Array): [string, string][] {
  const section = elfSection(ko, ".modinfo");
  if (!section) return [];
  const pairs: [string, string][] = [];
  for (const item of new TextDecoder().decode(section).split("\0")) {
    const eq = item.indexOf("=");
    if (eq > 0) pairs.push([item.slice(0, eq), item.slice(eq + 1)]);
  }
  return pairs;
}

/** `pre: a b post: c` → { pre: [a, b], post: [c] } (several softdep lines accumulate). */
export function parseSoftdep(values: readonly string[]): { pre: string[]; post: string[] } {
  const out = { pre: [] as string[], post: [] as string[] };
  for (const value of values) {
    let into: string[] | undefined;
    for (const word of value.split(/\s+/).filter(Boolean)) {
      if (word === "pre:") into = out.pre;
      else if (word === "post:") into = out.post;
      else if (into) into.push(normaliseModuleName(word));
    }
  }
  return out;
}

/** A module's index record from its file bytes and its path relative to the modules directory. */
export function moduleInfo(ko: Uint8Array, file: string): ModuleInfo {
  let pairs: [string, string][];
  try {
    pairs = readModinfoPairs(ko);
  } catch (error) {
    // The package has thousands of modules: say which one is damaged.
    if (error instanceof ElfError) throw new ElfError(`${file}: ${error.message}`);
    throw error;
  }
  const all = (key: string) => pairs.filter(([k]) => k === key).map(([, v]) => v);
  const base = file.slice(file.lastIndexOf("/") + 1).replace(/\.ko(\.(xz|zst|gz))?$/, "");
  const name = normaliseModuleName(all("name")[0] ?? base);
  const depends = all("depends")
    .flatMap((v) => v.split(","))
    .filter(Boolean)
    .map(normaliseModuleName);
  return { name, file, depends, softdeps: parseSoftdep(all("softdep")), aliases: all("alias") };
}
