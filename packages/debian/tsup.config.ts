import { packageBuild } from "../../tsup.shared.ts";

export default packageBuild({ subpaths: ["deb", "control", "archive", "lock"] });
