// @notos/site: a static site made from what a build really wrote — a page
// per file of dist/ (the kernel and its modules, the initrd's listing and
// module closure, the root's packages as a size treemap, the command line,
// runvm, the SBOM), the system's options, and the bench's boot timeline.
export { buildSite, type SiteOptions } from "./build.js";
export { readSiteData, type SiteData, type DistFile, type OptionRow, type BenchRun } from "./data.js";
export { sitePages, pageOf, treemapSvg, timelineSvg } from "./pages.js";
export { squarify, type TreemapItem, type TreemapRect } from "./treemap.js";
