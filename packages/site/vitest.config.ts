import { packageTestConfig } from "../../vitest.shared.ts";

// The test builds the default system (from the store when it has it) and renders every page in Chromium.
export default packageTestConfig({ testTimeout: 300_000, hookTimeout: 900_000 });
