import { packageTestConfig } from "../vitest.shared.ts";

// Two clean builds and a size check: minutes, not seconds.
export default packageTestConfig({
  testTimeout: 1_200_000,
  hookTimeout: 1_200_000,
  fileParallelism: false,
});
