// The seed's "sleep, then poweroff" service: the VM powers itself off.
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { autohalt } from "@notos/modules";
import { Machine } from "@notos/qemu";
import { buildTestSystem } from "./system.ts";

let machine: Machine | undefined;
afterAll(() => machine?.kill());

it("powers the VM off by itself with the autohalt module", async () => {
  const system = await buildTestSystem(autohalt({ delay: 3 }));
  machine = new Machine({ dist: system.dist, config: system.config, accel: "tcg", consoleLog: join(system.dist, "..", "console.log") });
  await machine.start();
  const status = await machine.waitForExit(240_000);
  expect(status).toEqual({ code: 0, signal: null });
  const text = machine.consoleText();
  expect(text).toMatch(/enter stage: \/etc\/runit\/2/);
  expect(text).toMatch(/enter stage: \/etc\/runit\/3/);
}, 1_200_000);
