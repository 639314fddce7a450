// The boot case's probe against a stand-in for QEMU's user-mode network:
// attempts made before the guest's network is up hang until their own
// timeout, later ones are refused until the service listens, then answered.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { firstSuccess, inFlightFor } from "../src/probe.js";

const NETWORK_UP_MS = 2_000;
const LISTENS_MS = 3_000;
const ATTEMPT_TIMEOUT_MS = 5_000;
const EVERY_MS = 200;

/** One attempt, as a fetch with a 5-s timeout sees the guest at the fake time it starts. */
function attempt(): Promise<boolean> {
  const started = Date.now();
  if (started < NETWORK_UP_MS) return new Promise((resolve) => setTimeout(() => resolve(false), ATTEMPT_TIMEOUT_MS));
  return Promise.resolve(started >= LISTENS_MS);
}

describe("firstSuccess", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function firstAnswer(inFlight: number): Promise<number> {
    const answer = firstSuccess("the stand-in", attempt, { everyMs: EVERY_MS, inFlight, now: () => Date.now() });
    await vi.advanceTimersByTimeAsync(20_000);
    return answer;
  }

  it("sees the first answer within one interval of the service listening, whatever hangs before", async () => {
    const at = await firstAnswer(inFlightFor(ATTEMPT_TIMEOUT_MS, EVERY_MS));
    expect(at).toBeGreaterThanOrEqual(LISTENS_MS);
    expect(at).toBeLessThanOrEqual(LISTENS_MS + EVERY_MS);
  });

  it("with fewer places than hanging attempts, sees it only when they time out (why the cap follows the timeout)", async () => {
    expect(await firstAnswer(10)).toBeGreaterThanOrEqual(ATTEMPT_TIMEOUT_MS);
  });

  it("one at a time waits for each attempt before the next", async () => {
    expect(await firstAnswer(1)).toBeGreaterThanOrEqual(ATTEMPT_TIMEOUT_MS);
  });

  it("gives up with the probe's name after its timeout", async () => {
    const never = firstSuccess("nginx on http://x/", () => Promise.resolve(false), { everyMs: EVERY_MS, inFlight: 1, timeoutMs: 1_000, now: () => Date.now() });
    const failed = expect(never).rejects.toThrow("nginx on http://x/ did not succeed within 1 s");
    await vi.advanceTimersByTimeAsync(2_000);
    await failed;
  });
});
