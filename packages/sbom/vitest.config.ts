import { packageTestConfig } from "../../vitest.shared.ts";

// The build test realises the default system's builders (from the store when it has them).
export default packageTestConfig({ testTimeout: 600_000, hookTimeout: 900_000 });
