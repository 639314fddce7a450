// The public face of the reaper, for test hooks.
import { killAllSyncNow, livePids } from "./reaper.js";

/** SIGKILL every QEMU this process started (for vitest's afterEach / afterAll). */
export function killAllMachines(): void {
  killAllSyncNow();
}

/** Pids of the QEMU processes this process started that still run. */
export function liveQemuPids(): number[] {
  return livePids();
}
