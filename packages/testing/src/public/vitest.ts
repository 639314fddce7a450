// Vitest integration: one machine set per `describe`, booted once in
// beforeAll and shared by its tests, killed in afterAll; when a test fails,
// each node's console log and a screenshot are saved and attached to the
// test (annotations, which the JUnit report carries). Outside Vitest (the
// notos-test command imports test files for its interactive mode) these
// register nothing.
import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import type { Machine } from "@notos/qemu";
import { NotosError } from "@notos/core";
import type { NotosTest, TestContext } from "../define.js";
import type { MachineSet, StartOptions } from "../machines.js";

const inVitest = () => process.env.VITEST !== undefined;

export interface UseMachinesOptions extends StartOptions {
  /** beforeAll's time for building and booting every node; default 20 minutes. */
  timeoutMs?: number;
}

/**
 * Start the test's machines before the tests of the enclosing `describe`
 * and stop them after. The returned object's `nodes` are there once the
 * tests run.
 */
export function useMachines<N extends string>(test: NotosTest<N>, options: UseMachinesOptions = {}): TestContext<N> {
  let set: MachineSet<N> | undefined;
  const context = {
    get machines(): MachineSet<N> {
      if (!set) throw new NotosError(`the machines of ${test.name} are not running`, { code: "TEST_NOT_STARTED", hint: "use them inside it(), after useMachines' beforeAll has started them" });
      return set;
    },
    get nodes(): Record<N, Machine> {
      return context.machines.nodes;
    },
    get sshKey(): string {
      return context.machines.sshKey;
    },
  };
  if (!inVitest()) return context;
  beforeAll(async () => {
    set = await test.start(options);
  }, options.timeoutMs ?? 1_200_000);
  afterAll(async () => {
    await set?.stop();
  });
  // A failed test's diagnostics as annotations where Vitest still takes them; once the test has its
  // "fail" state, annotate throws (synchronously), and the files are named on stderr instead.
  afterEach(async ({ task, annotate }) => {
    if (!set || !task.result?.errors?.length) return;
    const dir = `${test.resultsDir}/${task.name.replace(/[^A-Za-z0-9._-]+/g, "-")}`;
    for (const file of await set.saveDiagnostics(dir)) {
      try {
        await annotate(file.endsWith(".png") ? "screenshot" : "console log", { path: file });
      } catch {
        console.error(`${test.name}: ${file}`);
      }
    }
  });
  return context;
}

/** A `describe` named after the test that boots its machines once and runs its testScript as one test. */
export function describeTest<N extends string>(test: NotosTest<N>, options: UseMachinesOptions & { scriptTimeoutMs?: number } = {}): void {
  if (!inVitest()) return;
  describe(test.name, () => {
    const context = useMachines(test, options);
    it("testScript", async () => {
      if (!test.spec.testScript) throw new NotosError(`test ${test.name} has no testScript`, { code: "TEST_NO_SCRIPT", hint: "give defineTest a testScript, or call useMachines inside your own describe" });
      await test.spec.testScript(context);
    }, options.scriptTimeoutMs ?? 600_000);
  });
}
