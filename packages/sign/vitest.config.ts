import { packageTestConfig } from "../../vitest.shared.ts";

// The boot tests share the machine's two cores: one file at a time.
export default packageTestConfig({ testTimeout: 300_000, hookTimeout: 1_200_000, fileParallelism: false });
