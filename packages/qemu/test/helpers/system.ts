// Test configurations are evaluated as a system evaluates them, with
// runvmModule and no other standard package: a test then passes only if
// this package declares the `qemu` options it reads, so the tests keep
// passing once core no longer declares them as a fallback.
import { evalSystem, type Module, type SystemConfig, type SystemOptions } from "@notos/core";
import { runvmModule } from "../../src/index.js";

/**
 * `SystemOptions` with every namespace's keys optional: core types a
 * declared option (`qemu`, here) as a required key there, though its value
 * may be left out. Records and lists stay as they are.
 */
type Optional<T> = T extends readonly unknown[] ? T : T extends object ? (string extends keyof T ? T : { [K in keyof T]?: Optional<T[K]> }) : T;

/** What a test writes: a system's options, any of them left out. */
export type TestOptions = Optional<SystemOptions>;

/** The evaluated system of runvmModule, `modules` and `options`. */
export function evaluate(options: TestOptions = {}, modules: Module[] = []) {
  return evalSystem({ imports: [runvmModule, ...modules], ...options });
}

/** The configuration of a system of runvmModule and `options`: a VmConfig as it is. */
export function vmConfig(options: TestOptions = {}): SystemConfig {
  return evaluate(options).config;
}
