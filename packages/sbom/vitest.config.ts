import { packageTestConfig } from "../../vitest.shared.ts";

// The build tests realise the default system's builders (from the store when
// it has them): one file at a time, so the second finds the first's entries.
export default packageTestConfig({ testTimeout: 600_000, hookTimeout: 300_000, fileParallelism: false });
