// @notos/cli/turbo: the packages whose code a system's build runs, as the
// turbo tasks `notos graph --turbo` prints — for checking turbo.json against them.
export { turboDependencies, packageOf } from "../turbo.js";
