// When a service in the guest first answers, probed from the host. A probe
// made before the guest's network is up does not fail: QEMU's user-mode
// network accepts the host's connection and holds it, retransmitting its SYN
// to a guest that does not answer yet, until the probe's own timeout. So
// probes overlap, a new one every `everyMs`, and the cap on those pending
// must leave room for every probe that can still be hanging (its timeout
// over `everyMs`): with fewer, hung probes take every place and the first
// answer is seen only when they time out. That hid nginx's first answer for
// about a second behind ten probes held by the guest's not-yet-up network.

export interface ProbeOptions {
  /** A new attempt this often (ms). */
  everyMs: number;
  /**
   * At most this many attempts pending. Probes that can hang (a connection
   * that may be held) need `ceil(attempt timeout / everyMs) + 1`; see
   * `inFlightFor`. One at a time is for probes that cost the guest work.
   */
  inFlight: number;
  /** Give up after this long (ms); the default is 180 s. */
  timeoutMs?: number;
  /** The clock the answer is read from, in seconds (the caller's zero: QEMU's start). */
  now: () => number;
}

/** The cap that lets attempts which each give up after `attemptTimeoutMs` never hold back a new one. */
export function inFlightFor(attemptTimeoutMs: number, everyMs: number): number {
  return Math.ceil(attemptTimeoutMs / everyMs) + 1;
}

/** `now()` when `attempt` first resolves true; an attempt that rejects counts as false. */
export function firstSuccess(what: string, attempt: () => Promise<boolean>, options: ProbeOptions): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  let pending = 0;
  let done = false;
  return new Promise<number>((resolve, reject) => {
    const tick = (): void => {
      if (done) return;
      if (Date.now() > deadline) {
        done = true;
        return reject(new Error(`${what} did not succeed within ${timeoutMs / 1000} s`));
      }
      if (pending < options.inFlight) {
        pending++;
        attempt()
          .catch(() => false)
          .then((ok) => {
            pending--;
            if (ok && !done) {
              done = true;
              resolve(options.now());
            }
          });
      }
      setTimeout(tick, options.everyMs);
    };
    tick();
  });
}
