// QEMU never outlives the process that started it. Three nets:
// - every live QEMU is SIGKILLed when this process exits (an uncaught
//   exception included) or gets SIGINT/SIGTERM/SIGHUP (core's onProcessEnd);
// - QEMU is started under `setpriv --pdeathsig KILL` when the host has it,
//   so the kernel kills it even when this process is SIGKILLed;
// - tests call machine.kill() or killAllMachines() in afterEach.
import type { ChildProcess } from "node:child_process";
import { onProcessEnd } from "@notos/core/process";

/** Each live QEMU with the function that drops its exit-time kill. */
const live = new Map<ChildProcess, () => void>();

function killNow(child: ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // already gone
  }
}

export function track(child: ChildProcess): void {
  live.set(child, onProcessEnd(() => killNow(child)));
  child.once("exit", () => {
    live.get(child)?.();
    live.delete(child);
  });
}

/** Pids of the QEMU processes this process started and that still run. */
export function livePids(): number[] {
  return [...live.keys()].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

/** SIGKILL every QEMU this process started. */
export function killAllSyncNow(): void {
  for (const [child, release] of live) {
    release();
    killNow(child);
  }
  live.clear();
}
