import { packageBuild } from "../../tsup.shared.ts";

export default packageBuild({ subpaths: ["qmp", "console", "png", "accel"] });
