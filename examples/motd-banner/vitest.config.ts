import { defineConfig } from "vitest/config";

// The system build in the test takes minutes on a cold store.
export default defineConfig({ test: { testTimeout: 900_000, hookTimeout: 900_000 } });
