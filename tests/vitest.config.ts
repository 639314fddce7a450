import { packageTestConfig } from "../vitest.shared.ts";

// One VM at a time: the boot tests share the machine's two cores.
export default packageTestConfig({
  include: ["boot/**/*.test.ts", "host-tools/**/*.test.ts", "readme/**/*.test.ts", "publish/**/*.test.ts", "graph/**/*.test.ts", "create/**/*.test.ts", "changesets/**/*.test.ts", "readme-examples/**/*.test.ts", "remote-cache/**/*.test.ts"],
  testTimeout: 300_000,
  hookTimeout: 1_200_000,
  fileParallelism: false,
});
