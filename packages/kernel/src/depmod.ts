// The files depmod would write, for a subset of modules, as text:
// modules.dep (what busybox modprobe reads) and modules.alias.
import { modulesClosure, type ModuleIndex } from "./closure.js";
import type { ModuleInfo } from "./modinfo.js";

/**
 * modules.dep in depmod's format: `file: dep dep …` with paths relative to
 * the modules directory and each module's full dependency closure listed
 * last-to-load first (busybox and kmod modprobe load the list from the end).
 * Lines follow `modules`' order.
 */
export function modulesDep(index: ModuleIndex, modules: readonly ModuleInfo[]): string {
  // Hard dependencies only: soft dependencies are not modules.dep's business.
  const hard: ModuleIndex = { ...index, modules: index.modules.map((x) => ({ ...x, softdeps: { pre: [], post: [] } })) };
  return modules
    .map((m) => {
      const deps = modulesClosure(hard, [m.name])
        .filter((d) => d.name !== m.name)
        .map((d) => d.file)
        .reverse();
      return `${m.file}:${deps.map((d) => ` ${d}`).join("")}\n`;
    })
    .join("");
}

/** modules.alias: `alias PATTERN module` for each alias of the given modules. */
export function modulesAlias(modules: readonly ModuleInfo[]): string {
  return [...modules]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((m) => m.aliases.map((a) => `alias ${a} ${m.name}\n`))
    .join("");
}

/** modules.softdep: `softdep module pre: … post: …` for modules that declare some. */
export function modulesSoftdep(modules: readonly ModuleInfo[]): string {
  return modules
    .filter((m) => m.softdeps.pre.length || m.softdeps.post.length)
    .map((m) => `softdep ${m.name}${m.softdeps.pre.length ? ` pre: ${m.softdeps.pre.join(" ")}` : ""}${m.softdeps.post.length ? ` post: ${m.softdeps.post.join(" ")}` : ""}\n`)
    .join("");
}
