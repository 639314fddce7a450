// Test configurations are evaluated as a system evaluates them, with
// rootfsModule (which brings debian's) and only the modules a test names:
// a test then passes only if those packages declare every option the
// builders read, as they must once core no longer declares them.
import { evalSystem, type Module, type SystemConfig, type SystemOptions } from "@notos/core";
import { rootfsModule } from "../src/index.js";

/**
 * `SystemOptions` with every namespace's keys optional: core types a
 * declared option as a required key there, though its value may be left
 * out. Records and lists stay as they are.
 */
type Optional<T> = T extends readonly unknown[] ? T : T extends object ? (string extends keyof T ? T : { [K in keyof T]?: Optional<T[K]> }) : T;

/** What a test writes: a system's options, any of them left out. */
export type TestOptions = Optional<SystemOptions>;

/** The configuration of a system of rootfsModule, `modules` and `options`. */
export function testConfig(options: TestOptions = {}, modules: Module[] = []): SystemConfig {
  return evalSystem({ imports: [rootfsModule, ...modules], ...options }).config;
}
