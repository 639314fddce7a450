import { packageTestConfig } from "../../vitest.shared.ts";

// The nested run of cleanup.test.ts: its own include, no JSON report (it would replace the outer one).
export default packageTestConfig({ include: ["test/fixtures/*.fixture.ts"], reporters: ["default"], testTimeout: 30_000 });
