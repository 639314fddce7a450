import { packageBuild } from "../../tsup.shared.ts";

export default packageBuild({ subpaths: ["cpio", "tree", "stage1", "busybox"] });
