// @notos/kernel/modules: what the kernel builder computes about modules, one
// step at a time — `.modinfo` records, depmod's files, close names for a
// typo — for tools that inspect a kernel package outside a build.
export { moduleInfo, readModinfoPairs, parseSoftdep, normaliseModuleName } from "../modinfo.js";
export { closeModuleNames } from "../closure.js";
export { modulesDep, modulesAlias, modulesSoftdep } from "../depmod.js";
