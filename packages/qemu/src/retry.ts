// The one retry loop under every wait of the driver (waitUntilSucceeds,
// waitForOpenPort, waitForFile, waitForService, waitForConsoleText,
// waitForText, the ssh login): a probe is tried until it says it is done or
// the deadline passes. A probe can also be woken early by an event (new
// console output) instead of only by the clock, and a stop condition (QEMU
// exited) ends the loop at once. On time-out the error says what was waited
// for and what the last try saw.

/** What one try of a probe found: done with a value, or not yet (and what it saw, for the error). */
export type Attempt<T> = { done: true; value: T } | { done: false; saw?: string };

export interface RetryOptions {
  /** Give up after this long (ms); default 60 s. */
  timeoutMs?: number;
  /** Pause between tries (ms); default 1 s. */
  intervalMs?: number;
}

export interface RetrySpec<T> extends RetryOptions {
  /** One try; it gets the time left (ms) for its own timeouts. Throwing ends the loop with that error. */
  probe: (timeLeftMs: number) => Promise<Attempt<T>> | Attempt<T>;
  /** Subscribe to something that makes another try worth it before the interval ends; returns the unsubscribe. */
  wake?: (retryNow: () => void) => () => void;
  /** Checked before each try: an error to end with at once (the machine is gone), or undefined. */
  stop?: () => Error | undefined;
  /** Makes the time-out error; gets the last thing a try saw. */
  timeout: (lastSaw: string | undefined, timeoutMs: number) => Error;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_INTERVAL_MS = 1_000;

/** Try `probe` until it is done; resolves with its value, rejects with `timeout(…)` or `stop()`'s error. */
export async function retry<T>(spec: RetrySpec<T>): Promise<T> {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = spec.intervalMs ?? DEFAULT_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  let saw: string | undefined;
  for (let first = true; ; first = false) {
    const stopped = spec.stop?.();
    if (stopped) throw stopped;
    const left = deadline - Date.now();
    if (left <= 0 && !first) throw spec.timeout(saw, timeoutMs);
    const attempt = await spec.probe(Math.max(1, left));
    if (attempt.done) return attempt.value;
    if (attempt.saw !== undefined) saw = attempt.saw;
    const pause = Math.min(intervalMs, deadline - Date.now());
    if (pause > 0) await pauseOrWake(pause, spec.wake);
  }
}

function pauseOrWake(ms: number, wake: RetrySpec<unknown>["wake"]): Promise<void> {
  return new Promise((resolve) => {
    let unsubscribe: (() => void) | undefined;
    const done = () => {
      clearTimeout(timer);
      unsubscribe?.();
      resolve();
    };
    const timer = setTimeout(done, ms);
    unsubscribe = wake?.(done);
  });
}

/** A `number` (the old positional timeout) or an options object, as options. */
export function asOptions<O extends { timeoutMs?: number }>(value: number | O | undefined): O {
  return (typeof value === "number" ? { timeoutMs: value } : (value ?? {})) as O;
}
