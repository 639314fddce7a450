// Test configurations are evaluated as a system evaluates them, with
// runitModule (which imports etcModule) and no other standard package: a
// test then passes only if runit and etc declare every option the layer
// reads, so the tests keep passing once core no longer declares those
// options as a fallback.
import { defineModule, evalSystem, type Module, type SystemConfig, type SystemOptions } from "@notos/core";
import { z } from "zod";
import { runitModule } from "../src/index.js";

/**
 * `SystemOptions` with every namespace's keys optional. core types a
 * declared option (runit's and etc's, here) as a required key of
 * `SystemOptions`, though its value may be left out; records and lists are
 * kept as they are.
 */
type Optional<T> = T extends readonly unknown[] ? T : T extends object ? (string extends keyof T ? T : { [K in keyof T]?: Optional<T[K]> }) : T;

/** What a test writes: the options of a system, any of them left out. */
export type TestOptions = Optional<SystemOptions>;

/** The evaluated system of runitModule, `modules` and `options`. */
export function evaluate(options: TestOptions = {}, modules: Module[] = []) {
  return evalSystem({ imports: [runitModule, ...modules], ...options });
}

export function configOf(options: TestOptions = {}): SystemConfig {
  return evaluate(options).config;
}

/**
 * Options that no standard package declares, one at the top and one beside
 * `boot.kernel.sysctl`: tests change them to show that a change outside the
 * runit layer's slice keeps its key.
 */
export const elsewhere = defineModule({
  name: "elsewhere",
  options: {
    elsewhere: z.number().default(0),
    "boot.kernel.elsewhere": z.number().default(0),
  },
});
