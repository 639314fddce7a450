// Closures over the module index: a set of module names plus everything
// they need, in an order that loads each module after its dependencies.
import { NotosError } from "@notos/core";
import { editDistance } from "@notos/core/text";
import { normaliseModuleName, type ModuleInfo } from "./modinfo.js";

/** Everything known about a kernel's modules, without the module files. */
export interface ModuleIndex {
  /** The kernel release (`uname -r`). */
  version: string;
  /** Every loadable module, sorted by name. */
  modules: ModuleInfo[];
  /** Names of modules built into the kernel image (always present, never loaded). */
  builtin: string[];
}

export interface ClosureOptions {
  /** Skip unknown names instead of failing. */
  allowMissing?: boolean;
}

/** Up to three known names that look like `name` (edit distance, then substring). */
export function closeModuleNames(index: ModuleIndex, name: string): string[] {
  const wanted = normaliseModuleName(name);
  const names = index.modules.map((m) => m.name);
  const scored = names
    .map((n) => ({ n, d: editDistance(wanted, n) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(wanted.length / 3)) || (wanted.length >= 3 && n.includes(wanted)))
    .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : 1));
  return scored.slice(0, 3).map((s) => s.n);
}

/**
 * The modules `names` ask for plus all they depend on, dependencies first.
 * The order is stable: it follows `names`, and each module's dependencies in
 * the order its `.modinfo` lists them. Soft dependencies (`softdep=pre:/post:`)
 * are added when the kernel has them, before/after their module. Built-in
 * modules are satisfied by the kernel image and left out. A name may also be
 * an exact alias (`fs-overlay`).
 */
export function modulesClosure(index: ModuleIndex, names: readonly string[], options: ClosureOptions = {}): ModuleInfo[] {
  const byName = new Map(index.modules.map((m) => [m.name, m]));
  const builtin = new Set(index.builtin.map(normaliseModuleName));
  const byAlias = new Map<string, ModuleInfo>();
  for (const m of index.modules) for (const a of m.aliases) if (!/[*?[]/.test(a) && !byAlias.has(a)) byAlias.set(a, m);

  const lookup = (name: string): ModuleInfo | "builtin" | undefined => {
    const n = normaliseModuleName(name);
    return byName.get(n) ?? (builtin.has(n) ? "builtin" : (byAlias.get(name) ?? byAlias.get(n)));
  };

  const order: ModuleInfo[] = [];
  const seen = new Set<string>();
  const visit = (module: ModuleInfo, path: readonly string[]): void => {
    if (seen.has(module.name)) return;
    seen.add(module.name);
    const optional = (deps: readonly string[]) => {
      for (const dep of deps) {
        const found = lookup(dep);
        if (found && found !== "builtin") visit(found, [...path, module.name]);
      }
    };
    optional(module.softdeps.pre);
    for (const dep of module.depends) {
      const found = lookup(dep);
      if (found === undefined) {
        throw new NotosError(`kernel module ${module.name} depends on ${dep}, which kernel ${index.version} does not have (via ${[...path, module.name].join(" → ")})`, {
          hint: "the kernel package looks inconsistent; refresh the lock file or choose another boot.kernel.package",
        });
      }
      if (found !== "builtin") visit(found, [...path, module.name]);
    }
    order.push(module);
    optional(module.softdeps.post);
  };

  for (const name of names) {
    const found = lookup(name);
    if (found === "builtin") continue;
    if (found === undefined) {
      if (options.allowMissing) continue;
      const near = closeModuleNames(index, name);
      throw new NotosError(`kernel ${index.version} has no module named ${JSON.stringify(name)}${near.length ? `; close matches: ${near.join(", ")}` : ""}`, {
        hint: "check boot.kernelModules and boot.initrd.kernelModules (module names use \"_\" or \"-\" interchangeably)",
        code: "KERNEL_MODULE_UNKNOWN",
      });
    }
    visit(found, []);
  }
  return order;
}
