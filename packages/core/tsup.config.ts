import { packageBuild } from "../../tsup.shared.ts";

export default packageBuild({ subpaths: ["store", "tree", "progress", "fs", "graph", "text", "host", "process", "elf"] });
