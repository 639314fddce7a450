import { packageBuild } from "../../tsup.shared.ts";

// The Vitest integration is a subpath, so the main entry never loads vitest;
// vitest itself is the user's suite's own, never bundled.
export default packageBuild({ subpaths: ["vitest"], command: true, external: ["vitest"] });
