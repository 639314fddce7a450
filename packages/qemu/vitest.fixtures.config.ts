import { mergeConfig } from "vitest/config";
import { packageTestConfig } from "../../vitest.shared.ts";
import { subpath } from "./vitest.config.ts";

// The nested run of cleanup.test.ts: its own include, no JSON report (it would replace the outer one).
export default mergeConfig(packageTestConfig({ include: ["test/fixtures/*.fixture.ts"], reporters: ["default"], testTimeout: 30_000 }), {
  resolve: { alias: [subpath] },
});
