import { packageBuild } from "../../tsup.shared.ts";

// No command of its own: building and assembling a system is the notos CLI's job.
export default packageBuild({ withCli: false });
