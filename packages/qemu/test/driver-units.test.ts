// The driver's pure parts: the retry loop under every wait, and keys.
import { describe, expect, it } from "vitest";
import { charsToCombos, keyCombo, sendKeyArgs, serialBytes } from "../src/keys.js";
import { retry } from "../src/retry.js";
import { testMac } from "../src/network.js";

describe("retry", () => {
  it("tries until the probe is done and resolves with its value", async () => {
    let tries = 0;
    const value = await retry({ intervalMs: 1, probe: () => (++tries < 3 ? { done: false } : { done: true, value: "ok" }), timeout: () => new Error("timed out") });
    expect([value, tries]).toEqual(["ok", 3]);
  });

  it("times out with what the last try saw, after at least one try", async () => {
    let tries = 0;
    const error = await retry({ timeoutMs: 30, intervalMs: 5, probe: () => ({ done: false, saw: `try ${++tries}` }), timeout: (saw, ms) => new Error(`${ms}: ${saw}`) }).catch((e: Error) => e);
    expect((error as Error).message).toBe(`30: try ${tries}`);
    expect(tries).toBeGreaterThan(1);
  });

  it("wakes early when told to, and stops at once when stop() says so", async () => {
    let wakeNow: (() => void) | undefined;
    let tries = 0;
    const started = Date.now();
    const p = retry({ intervalMs: 60_000, timeoutMs: 120_000, wake: (r) => ((wakeNow = r), () => (wakeNow = undefined)), probe: () => (++tries === 2 ? { done: true, value: tries } : { done: false }), timeout: () => new Error("timed out") });
    await new Promise((r) => setTimeout(r, 20));
    wakeNow!();
    expect(await p).toBe(2);
    expect(Date.now() - started).toBeLessThan(60_000);
    await expect(retry({ probe: () => ({ done: false }), stop: () => new Error("gone"), timeout: () => new Error("timed out") })).rejects.toThrow("gone");
  });

  it("passes a probe's own error through", async () => {
    await expect(retry({ probe: () => { throw new Error("exited"); }, timeout: () => new Error("timed out") })).rejects.toThrow("exited");
  });
});

describe("keys", () => {
  it("spells key combinations as QEMU qcodes", () => {
    expect(keyCombo("ctrl-alt-delete")).toEqual(["ctrl", "alt", "delete"]);
    expect(keyCombo("Enter")).toEqual(["ret"]);
    expect(keyCombo("-")).toEqual(["minus"]);
    expect(() => keyCombo("ctrl-ä")).toThrow(/not a key combination/);
    expect(sendKeyArgs(["shift", "a"])).toEqual({ keys: [{ type: "qcode", data: "shift" }, { type: "qcode", data: "a" }] });
  });

  it("types text on a US keyboard", () => {
    expect(charsToCombos("aZ 1!\n_")).toEqual([["a"], ["shift", "z"], ["spc"], ["1"], ["shift", "1"], ["ret"], ["shift", "minus"]]);
    expect(() => charsToCombos("é")).toThrow(/cannot type/);
  });

  it("gives the serial line's bytes of a combination", () => {
    expect(serialBytes("ctrl-c")).toBe("\x03");
    expect(serialBytes("ret")).toBe("\r");
    expect(serialBytes("alt-x")).toBe("\x1bx");
    expect(serialBytes("shift-a")).toBe("A");
    expect(() => serialBytes("f1")).toThrow(/no serial-line equivalent/);
  });

  it("numbers MAC addresses by machine and NIC", () => {
    expect(testMac(2, 1)).toBe("52:54:00:12:01:02");
  });
});
